// Canonical results as Anthropic Message objects and Messages stream events. Blocks come out exactly as
// Anthropic frames them (the same JSON, key for key), so a stream that came from Anthropic goes back out
// with its content blocks byte for byte; block indexes are renumbered densely in order of appearance.
import type { AssistantPart } from '../../core/canonical/content';
import type { CanonicalResult, Finish, StreamPart } from '../../core/canonical/result';
import { NO_USAGE, uncachedInputTokens, type Usage } from '../../core/canonical/usage';
import type { Served } from '../../core/lifecycle';
import type { GatewayError } from '../../wire/errors';
import type { AnthropicUsage, MessagesResponse, ResponseBlock, StopReason } from '../../wire/formats/anthropic';
import { encodeSseEvent } from '../../wire/sse';
import type { StreamEncoder } from '../sse';
import { anthropicErrorBody } from './error';

export function anthropicUsage(u: Usage): Required<AnthropicUsage> {
  return {
    input_tokens: uncachedInputTokens(u),
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_read_input_tokens: u.cacheReadTokens,
    output_tokens: u.outputTokens,
  };
}

export function stopReason(f: Finish): StopReason {
  switch (f.reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return f.stopSequence !== undefined ? 'stop_sequence' : 'end_turn';
  }
}

/** Tool input as Anthropic carries it: an object (arguments another provider produced that are not one stay text). */
function toolInput(args: string): unknown {
  try {
    const parsed: unknown = JSON.parse(args || '{}');
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : { arguments: args };
  } catch {
    return { arguments: args };
  }
}

function block(p: AssistantPart): ResponseBlock {
  if (p.type === 'text') return { type: 'text', text: p.text };
  if (p.type === 'tool-call') return { type: 'tool_use', id: p.callId, name: p.name, input: toolInput(p.arguments) };
  if (p.redacted !== undefined) return { type: 'redacted_thinking', data: p.redacted };
  // Reasoning from a provider without signatures keeps an empty one: Anthropic will not take it back, and
  // the gateway drops it on the way there (providers/anthropic).
  return { type: 'thinking', thinking: p.text, signature: p.signature ?? '' };
}

/**
 * Reasoning is shown only to a client that turned thinking on, as Anthropic does; a model that reasons
 * anyway (OpenAI's) keeps it to itself otherwise.
 */
export function renderMessage(result: CanonicalResult, served: Served, id: string, thinking: boolean): MessagesResponse {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: served.model.id,
    content: result.content.filter((p) => thinking || p.type !== 'reasoning').map(block),
    stop_reason: stopReason(result),
    stop_sequence: result.stopSequence ?? null,
    usage: anthropicUsage(result.usage),
  };
}

export class MessagesStreamEncoder implements StreamEncoder {
  /** Canonical block index -> the dense index the client sees. */
  private readonly dense = new Map<number, number>();
  /** Reasoning blocks of a client that did not turn thinking on: not shown (see renderMessage). */
  private readonly hidden = new Set<number>();
  private started = false;

  constructor(
    private readonly id: string,
    private readonly model: string,
    private readonly thinking: boolean,
  ) {}

  private event(name: string, data: Record<string, unknown>): string {
    return encodeSseEvent({ type: name, ...data }, name);
  }

  private start(usage: Partial<Usage> | undefined): string[] {
    this.started = true;
    const u = anthropicUsage({ ...NO_USAGE, ...usage });
    return [
      this.event('message_start', {
        message: { id: this.id, type: 'message', role: 'assistant', model: this.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...u, output_tokens: 0 } },
      }),
      this.event('ping', {}),
    ];
  }

  private index(canonical: number): number {
    let i = this.dense.get(canonical);
    if (i === undefined) this.dense.set(canonical, (i = this.dense.size));
    return i;
  }

  part(part: StreamPart): string[] {
    const out = this.started || part.type === 'stream-start' ? [] : this.start(undefined);
    if (!this.thinking && part.type === 'reasoning-start') this.hidden.add(part.index);
    if ('index' in part && this.hidden.has(part.index)) return out;
    switch (part.type) {
      case 'stream-start':
        return this.start(part.usage);
      case 'text-start':
        out.push(this.event('content_block_start', { index: this.index(part.index), content_block: { type: 'text', text: '' } }));
        break;
      case 'reasoning-start':
        out.push(
          this.event('content_block_start', {
            index: this.index(part.index),
            content_block: part.redacted !== undefined ? { type: 'redacted_thinking', data: part.redacted } : { type: 'thinking', thinking: '', signature: '' },
          }),
        );
        break;
      case 'tool-input-start':
        out.push(this.event('content_block_start', { index: this.index(part.index), content_block: { type: 'tool_use', id: part.callId, name: part.name, input: {} } }));
        break;
      case 'text-delta':
        out.push(this.event('content_block_delta', { index: this.index(part.index), delta: { type: 'text_delta', text: part.text } }));
        break;
      case 'reasoning-delta':
        out.push(this.event('content_block_delta', { index: this.index(part.index), delta: { type: 'thinking_delta', thinking: part.text } }));
        break;
      case 'reasoning-signature':
        out.push(this.event('content_block_delta', { index: this.index(part.index), delta: { type: 'signature_delta', signature: part.signature } }));
        break;
      case 'tool-input-delta':
        out.push(this.event('content_block_delta', { index: this.index(part.index), delta: { type: 'input_json_delta', partial_json: part.json } }));
        break;
      case 'text-end':
      case 'reasoning-end':
      case 'tool-input-end':
        out.push(this.event('content_block_stop', { index: this.index(part.index) }));
        break;
      case 'finish':
        out.push(
          this.event('message_delta', { delta: { stop_reason: stopReason(part), stop_sequence: part.stopSequence ?? null }, usage: anthropicUsage(part.usage ?? NO_USAGE) }),
          this.event('message_stop', {}),
        );
        break;
    }
    return out;
  }

  error(error: GatewayError): string[] {
    return [encodeSseEvent(anthropicErrorBody(error), 'error')];
  }
}
