// Anthropic Messages response -> canonical result.
import type { AssistantPart } from '../../core/canonical/content';
import type { CanonicalResult, FinishReason } from '../../core/canonical/result';
import { usage, type Usage } from '../../core/canonical/usage';
import type { AnthropicUsage, ErrorBody, MessagesResponse, RedactedThinkingBlock, ResponseBlock, StopReason, TextBlock, ThinkingBlock, ToolUseBlock } from '../../wire/formats/anthropic';

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

/** Anthropic counts cache reads and writes apart from input_tokens; canonical input counts all three. */
export function fromAnthropicUsage(u: AnthropicUsage | undefined): Usage {
  const cacheRead = u?.cache_read_input_tokens ?? 0;
  const cacheWrite = u?.cache_creation_input_tokens ?? 0;
  return usage({ inputTokens: (u?.input_tokens ?? 0) + cacheRead + cacheWrite, outputTokens: u?.output_tokens ?? 0, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite });
}

export function partOf(b: ResponseBlock): AssistantPart | undefined {
  switch (b.type) {
    case 'text':
      return { type: 'text', text: (b as TextBlock).text };
    case 'thinking': {
      const t = b as ThinkingBlock;
      return { type: 'reasoning', text: t.thinking, signature: t.signature };
    }
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redacted: (b as RedactedThinkingBlock).data };
    case 'tool_use': {
      const t = b as ToolUseBlock;
      return { type: 'tool-call', callId: t.id, name: t.name, arguments: JSON.stringify(t.input ?? {}) };
    }
    default:
      // Server tool blocks and block types added later carry nothing the canonical model holds.
      return undefined;
  }
}

export function fromAnthropicMessage(body: MessagesResponse): CanonicalResult {
  return {
    content: body.content.flatMap((b) => partOf(b) ?? []),
    reason: finishReason(body.stop_reason),
    ...(body.stop_reason === 'stop_sequence' && body.stop_sequence ? { stopSequence: body.stop_sequence } : {}),
    usage: fromAnthropicUsage(body.usage),
  };
}

/** The message of an Anthropic error body ({type:'error', error:{type, message}}), prefixed by its type. */
export function anthropicErrorMessage(body: unknown): string | undefined {
  const error = (body as Partial<ErrorBody> | null)?.error;
  if (!error || typeof error.message !== 'string') return undefined;
  return typeof error.type === 'string' ? `${error.type}: ${error.message}` : error.message;
}
