// Bedrock Converse output -> canonical result.
import type { ContentBlock, ConverseCommandOutput, StopReason, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import type { AssistantPart } from '../../core/canonical/content';
import type { CanonicalResult, FinishReason } from '../../core/canonical/result';
import { usage, type Usage } from '../../core/canonical/usage';

/** Converse stop reasons in canonical terms. Malformed output still ended the turn, so it reads as 'stop'. */
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

/** Bedrock counts cache reads and writes apart from inputTokens; canonical input counts all of them. */
export function toUsage(u: TokenUsage | undefined): Usage {
  const read = u?.cacheReadInputTokens ?? 0;
  const write = u?.cacheWriteInputTokens ?? 0;
  return usage({ inputTokens: (u?.inputTokens ?? 0) + read + write, outputTokens: u?.outputTokens ?? 0, cacheReadTokens: read, cacheWriteTokens: write });
}

export function partOf(block: ContentBlock): AssistantPart | undefined {
  if (block.text !== undefined) return { type: 'text', text: block.text };
  if (block.toolUse) {
    return { type: 'tool-call', callId: block.toolUse.toolUseId ?? '', name: block.toolUse.name ?? '', arguments: JSON.stringify(block.toolUse.input ?? {}) };
  }
  const reasoning = block.reasoningContent;
  if (reasoning?.reasoningText) {
    return { type: 'reasoning', text: reasoning.reasoningText.text ?? '', ...(reasoning.reasoningText.signature ? { signature: reasoning.reasoningText.signature } : {}) };
  }
  if (reasoning?.redactedContent) return { type: 'reasoning', text: '', redacted: Buffer.from(reasoning.redactedContent).toString('base64') };
  return undefined;
}

export function fromConverseOutput(output: Pick<ConverseCommandOutput, 'output' | 'stopReason' | 'usage'>): CanonicalResult {
  const blocks = output.output?.message?.content ?? [];
  return { content: blocks.flatMap((b) => partOf(b) ?? []), reason: finishReason(output.stopReason), usage: toUsage(output.usage) };
}
