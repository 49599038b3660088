// Anthropic stream events -> canonical parts. Anthropic's blocks map one to one onto canonical blocks
// (same indexes), so thinking, signatures and tool input pass through unchanged. A stream is finished
// only at message_stop; one that breaks off after message_delta still counts as cut.
import type { StreamPart } from '../../core/canonical/result';
import type { Usage } from '../../core/canonical/usage';
import { UpstreamError } from '../../wire/errors';
import type { AnthropicUsage, RedactedThinkingBlock, StopReason, StreamEvent, TextBlock, ToolUseBlock } from '../../wire/formats/anthropic';
import { isDone, jsonEvents, malformed } from '../stream-json';
import { finishReason, fromAnthropicUsage } from './response';

type Kind = 'text' | 'reasoning' | 'tool';

export async function* fromAnthropicStream(bytes: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<StreamPart> {
  let reported: AnthropicUsage = {};
  let stop: StopReason | null | undefined;
  let stopSequence: string | null | undefined;
  /** Blocks the canonical model carries, by Anthropic index; others (server tools) are skipped whole. */
  const kinds = new Map<number, Kind>();
  const skipped = new Set<number>();
  /** A delta or stop for a block that never started breaks the protocol. */
  const known = (index: number) => {
    if (!kinds.has(index) && !skipped.has(index)) throw malformed(provider);
  };

  for await (const raw of jsonEvents<StreamEvent>(bytes, provider)) {
    if (isDone(raw)) break;
    const event = raw.data;
    switch (event.type) {
      case 'message_start':
        reported = { ...event.message.usage };
        yield { type: 'stream-start', usage: partialUsage(fromAnthropicUsage(reported)) };
        break;
      case 'content_block_start': {
        const b = event.content_block;
        const index = event.index;
        if (b.type === 'text') {
          kinds.set(index, 'text');
          yield { type: 'text-start', index };
          const text = (b as TextBlock).text;
          if (text) yield { type: 'text-delta', index, text };
        } else if (b.type === 'thinking') {
          kinds.set(index, 'reasoning');
          yield { type: 'reasoning-start', index };
        } else if (b.type === 'redacted_thinking') {
          kinds.set(index, 'reasoning');
          yield { type: 'reasoning-start', index, redacted: (b as RedactedThinkingBlock).data };
        } else if (b.type === 'tool_use') {
          const t = b as ToolUseBlock;
          kinds.set(index, 'tool');
          yield { type: 'tool-input-start', index, callId: t.id, name: t.name };
        } else skipped.add(index);
        break;
      }
      case 'content_block_delta': {
        const index = event.index;
        known(index);
        const d = event.delta;
        const kind = kinds.get(index);
        if (kind === 'text' && d.type === 'text_delta' && 'text' in d) yield { type: 'text-delta', index, text: d.text };
        else if (kind === 'reasoning' && d.type === 'thinking_delta' && 'thinking' in d) yield { type: 'reasoning-delta', index, text: d.thinking };
        else if (kind === 'reasoning' && d.type === 'signature_delta' && 'signature' in d) yield { type: 'reasoning-signature', index, signature: d.signature };
        else if (kind === 'tool' && d.type === 'input_json_delta' && 'partial_json' in d) yield { type: 'tool-input-delta', index, json: d.partial_json };
        // citations_delta, and deltas of skipped blocks: nothing the canonical model carries.
        break;
      }
      case 'content_block_stop': {
        known(event.index);
        const kind = kinds.get(event.index);
        if (kind === 'text') yield { type: 'text-end', index: event.index };
        else if (kind === 'reasoning') yield { type: 'reasoning-end', index: event.index };
        else if (kind === 'tool') yield { type: 'tool-input-end', index: event.index };
        break;
      }
      case 'message_delta':
        if (event.delta.stop_reason !== undefined) stop = event.delta.stop_reason;
        if (event.delta.stop_sequence !== undefined) stopSequence = event.delta.stop_sequence;
        // message_delta usage is cumulative; newer API versions repeat the input counts there too.
        reported = { ...reported, ...definedOnly(event.usage ?? {}) };
        break;
      case 'message_stop':
        yield {
          type: 'finish',
          reason: finishReason(stop),
          ...(stop === 'stop_sequence' && stopSequence ? { stopSequence } : {}),
          usage: fromAnthropicUsage(reported),
        };
        return;
      case 'error':
        throw new UpstreamError(`${provider} failed mid-stream: ${event.error?.type ?? 'error'}: ${event.error?.message ?? ''}`, 'stream');
      default:
        // ping, and event types added later: nothing to translate.
        break;
    }
  }
}

function definedOnly(u: AnthropicUsage): AnthropicUsage {
  return Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined && v !== null)) as AnthropicUsage;
}

function partialUsage(u: Usage): Partial<Usage> {
  const { outputTokens: _outputTokens, reasoningTokens: _reasoningTokens, ...input } = u;
  return input;
}
