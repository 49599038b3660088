// OpenAI Responses API answers (whole and streamed) -> canonical result and parts.
import type { AssistantPart } from '../../core/canonical/content';
import type { CanonicalResult, FinishReason, StreamPart } from '../../core/canonical/result';
import { usage, type Usage } from '../../core/canonical/usage';
import { UpstreamError } from '../../wire/errors';
import type { OutputItem, ResponseObject, ResponseStreamEvent, ResponsesUsage } from '../../wire/formats/openai-responses';
import { isDone, jsonEvents, malformed } from '../stream-json';

export function fromResponsesUsage(u: ResponsesUsage | null | undefined): Usage | undefined {
  if (!u) return undefined;
  return usage({
    inputTokens: u.input_tokens,
    outputTokens: u.output_tokens,
    cacheReadTokens: u.input_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: u.input_tokens_details?.cache_write_tokens ?? 0,
    reasoningTokens: u.output_tokens_details?.reasoning_tokens ?? 0,
  });
}

function finishOf(r: Pick<ResponseObject, 'status' | 'incomplete_details' | 'output'>): FinishReason {
  if (r.status === 'incomplete') return r.incomplete_details?.reason === 'content_filter' ? 'content_filter' : 'length';
  return r.output.some((i) => i.type === 'function_call' || i.type === 'custom_tool_call') ? 'tool_calls' : 'stop';
}

function partsOf(item: OutputItem): AssistantPart[] {
  switch (item.type) {
    case 'message':
      return item.content.map((c) => ({ type: 'text' as const, text: c.type === 'output_text' ? c.text : c.refusal }));
    case 'function_call':
      return [{ type: 'tool-call', callId: item.call_id, name: item.name, arguments: item.arguments, itemId: item.id }];
    case 'custom_tool_call':
      return [{ type: 'tool-call', callId: item.call_id, name: item.name, arguments: item.input, itemId: item.id, freeform: true }];
    case 'reasoning': {
      const summary = item.summary.map((s) => s.text);
      return [
        {
          type: 'reasoning',
          text: summary.length ? summary.join('\n\n') : (item.content ?? []).map((c) => c.text).join(''),
          ...(summary.length ? { summary } : {}),
          id: item.id,
          ...(item.encrypted_content ? { encrypted: item.encrypted_content } : {}),
        },
      ];
    }
    default:
      return [];
  }
}

export function fromResponse(body: ResponseObject, provider: string): CanonicalResult {
  if (body.status === 'failed') throw new UpstreamError(`${provider} failed the response: ${body.error?.message ?? 'unknown error'}`, 502);
  return { content: body.output.flatMap(partsOf), reason: finishOf(body), usage: fromResponsesUsage(body.usage) ?? usage({}) };
}

/**
 * Stream events to parts. Each output item is one block (each content part of a message one block of its
 * own); the stream is complete at response.completed or response.incomplete.
 */
export async function* fromResponsesStream(bytes: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<StreamPart> {
  let next = 0;
  /** "<output_index>" for calls and reasoning, "<output_index>/<content_index>" for message parts. */
  const blocks = new Map<string, number>();
  const block = (key: string) => {
    const index = blocks.get(key);
    if (index === undefined) throw malformed(provider);
    return index;
  };
  const open = (key: string) => {
    if (blocks.has(key)) throw malformed(provider);
    blocks.set(key, next);
    return next++;
  };
  for await (const event of jsonEvents<ResponseStreamEvent>(bytes, provider)) {
    if (isDone(event)) break;
    const e = event.data;
    switch (e.type) {
      case 'response.output_item.added':
        if (e.item.type === 'function_call' || e.item.type === 'custom_tool_call') {
          const freeform = e.item.type === 'custom_tool_call' ? { freeform: true as const } : {};
          yield { type: 'tool-input-start', index: open(String(e.output_index)), callId: e.item.call_id, name: e.item.name, itemId: e.item.id, ...freeform };
        } else if (e.item.type === 'reasoning') {
          yield { type: 'reasoning-start', index: open(String(e.output_index)), id: e.item.id };
        }
        break;
      case 'response.content_part.added':
        yield { type: 'text-start', index: open(`${e.output_index}/${e.content_index}`) };
        break;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        yield { type: 'text-delta', index: block(`${e.output_index}/${e.content_index}`), text: e.delta };
        break;
      case 'response.content_part.done':
        yield { type: 'text-end', index: block(`${e.output_index}/${e.content_index}`) };
        break;
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta':
        yield { type: 'tool-input-delta', index: block(String(e.output_index)), json: e.delta };
        break;
      case 'response.reasoning_summary_text.delta':
        yield { type: 'reasoning-delta', index: block(String(e.output_index)), text: e.delta, summaryIndex: e.summary_index };
        break;
      case 'response.output_item.done':
        if (e.item.type === 'function_call' || e.item.type === 'custom_tool_call') yield { type: 'tool-input-end', index: block(String(e.output_index)) };
        else if (e.item.type === 'reasoning') {
          yield { type: 'reasoning-end', index: block(String(e.output_index)), ...(e.item.encrypted_content ? { encrypted: e.item.encrypted_content } : {}) };
        }
        break;
      case 'response.completed':
      case 'response.incomplete':
        yield { type: 'finish', reason: finishOf(e.response), ...(e.response.usage ? { usage: fromResponsesUsage(e.response.usage) } : {}) };
        return;
      case 'response.failed':
        throw new UpstreamError(`${provider} failed mid-stream: ${e.response.error?.message ?? 'unknown error'}`, 'stream');
      case 'error':
        throw new UpstreamError(`${provider} failed mid-stream: ${e.message}`, 'stream');
      default:
        // created, in_progress, *.done events whose content the deltas already carried, annotations.
        break;
    }
  }
}
