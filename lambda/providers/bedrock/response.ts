// Bedrock Converse output -> envelope-free OpenAI completion.
import type { ConverseCommandOutput, StopReason, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import type { CompletionResult, FinishReason, ToolCall, Usage } from '../../openai/types';
import { assistantMessage, contentOf } from '../message';

/** Converse stop reasons in OpenAI's terms. Malformed output still ended the turn, so it reads as 'stop'. */
export function finishReason(reason: StopReason | string | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** Cached prompt tokens are prompt tokens too: Bedrock counts them apart from inputTokens. */
export function toUsage(usage: TokenUsage | undefined): Usage {
  const prompt = (usage?.inputTokens ?? 0) + (usage?.cacheReadInputTokens ?? 0) + (usage?.cacheWriteInputTokens ?? 0);
  const completion = usage?.outputTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function fromConverseOutput(output: Pick<ConverseCommandOutput, 'output' | 'stopReason' | 'usage'>): CompletionResult {
  const blocks = output.output?.message?.content ?? [];
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of blocks) {
    if (block.text !== undefined) text += block.text;
    else if (block.toolUse) {
      toolCalls.push({
        id: block.toolUse.toolUseId ?? '',
        type: 'function',
        function: { name: block.toolUse.name ?? '', arguments: JSON.stringify(block.toolUse.input ?? {}) },
      });
    }
  }
  return {
    message: assistantMessage(contentOf(text, toolCalls), toolCalls),
    finishReason: finishReason(output.stopReason),
    usage: toUsage(output.usage),
  };
}
