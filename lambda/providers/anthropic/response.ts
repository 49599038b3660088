// Anthropic Messages response -> envelope-free OpenAI completion result.
import type { CompletionResult, FinishReason, ToolCall, Usage } from '../../openai/types';
import { assistantMessage, contentOf } from '../message';
import type { AnthropicUsage, ErrorBody, MessagesResponse, ResponseBlock, StopReason, TextBlock, ToolUseBlock } from './wire';

export function finishReason(stop: StopReason | null | undefined): FinishReason {
  switch (stop) {
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    // end_turn, stop_sequence, and pause_turn (a server tool loop paused: the answer so far is complete).
    default:
      return 'stop';
  }
}

/** Prompt tokens include cache writes and reads: Anthropic counts those apart from input_tokens. */
export function promptTokens(u: AnthropicUsage | undefined): number {
  return (u?.input_tokens ?? 0) + (u?.cache_creation_input_tokens ?? 0) + (u?.cache_read_input_tokens ?? 0);
}

export function usageOf(prompt: number, completion: number): Usage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

const isText = (b: ResponseBlock): b is TextBlock => b.type === 'text';
const isToolUse = (b: ResponseBlock): b is ToolUseBlock => b.type === 'tool_use';

export function fromAnthropicMessage(body: MessagesResponse): CompletionResult {
  const text = body.content.filter(isText).map((b) => b.text).join('');
  const toolCalls: ToolCall[] = body.content.filter(isToolUse).map((b) => ({
    id: b.id,
    type: 'function',
    function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) },
  }));
  return {
    message: assistantMessage(contentOf(text, toolCalls), toolCalls),
    finishReason: finishReason(body.stop_reason),
    usage: usageOf(promptTokens(body.usage), body.usage?.output_tokens ?? 0),
  };
}

/** The message of an Anthropic error body ({type:'error', error:{type, message}}), prefixed by its type. */
export function anthropicErrorMessage(body: unknown): string | undefined {
  const error = (body as Partial<ErrorBody> | null)?.error;
  if (!error || typeof error.message !== 'string') return undefined;
  return typeof error.type === 'string' ? `${error.type}: ${error.message}` : error.message;
}
