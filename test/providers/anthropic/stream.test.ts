import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambda/openai/errors';
import { decodeSse } from '../../../lambda/openai/sse';
import { fromAnthropicEvents } from '../../../lambda/providers/anthropic';
import { collect as collectAll, rejection } from '../../helpers/provider';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), 'utf8');

/** The text as a byte stream cut into small, unaligned chunks, as a socket may deliver it. */
async function* bytes(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const all = new TextEncoder().encode(text);
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
}

const collect = (text: string) => collectAll(fromAnthropicEvents(decodeSse(bytes(text)), 'anthropic'));
const failure = (text: string) => rejection(collect(text));

describe('fromAnthropicEvents (documented streams)', () => {
  it('translates the basic text stream, ending with the finish reason and then the usage', async () => {
    expect(await collect(fixture('stream-text.sse'))).toEqual([
      { delta: { content: 'Hello' } },
      { delta: { content: '!' } },
      { finishReason: 'stop' },
      { usage: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 } },
    ]);
  });

  it('translates text followed by a streamed tool_use block', async () => {
    const pieces = await collect(fixture('stream-tool-use.sse'));
    const text = pieces.map((p) => p.delta?.content ?? '').join('');
    expect(text).toBe("Okay, let's check the weather for San Francisco, CA:");
    const calls = pieces.flatMap((p) => p.delta?.tool_calls ?? []);
    // The call opens with id, type and name and empty arguments; its block index 1 becomes call index 0.
    expect(calls[0]).toEqual({ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(calls.every((c) => c.index === 0)).toBe(true);
    const args = calls.map((c) => c.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(pieces.slice(-2)).toEqual([
      { finishReason: 'tool_calls' },
      { usage: { prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 } },
    ]);
  });

  it('fails with a retryable UpstreamError on a mid-stream error event', async () => {
    const head = fixture('stream-text.sse').split('event: content_block_stop')[0] ?? '';
    const err = await failure(head + fixture('stream-error.sse'));
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(true);
    expect((err as UpstreamError).message).toContain('overloaded_error');
  });
});

describe('fromAnthropicEvents (edge cases)', () => {
  const ev = (data: Record<string, unknown>) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
  const start = ev({ type: 'message_start', message: { usage: { input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 1 } } });

  it('throws streamCut when the stream ends before message_stop, even after message_delta', async () => {
    const body = fixture('stream-text.sse').split('event: message_stop')[0] ?? '';
    const err = await failure(body);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).upstream).toBe('stream');
  });

  it('numbers parallel tool calls 0, 1 by their order, whatever their block index', async () => {
    const pieces = await collect(
      start +
        ev({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }) +
        ev({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }) +
        ev({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_a', name: 'a', input: {} } }) +
        ev({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{}' } }) +
        ev({ type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_b', name: 'b', input: {} } }) +
        ev({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"x":1}' } }) +
        ev({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 30 } }) +
        ev({ type: 'message_stop' }),
    );
    expect(pieces.slice(0, 4)).toEqual([
      { delta: { tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'a', arguments: '' } }] } },
      { delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] } },
      { delta: { tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'b', arguments: '' } }] } },
      { delta: { tool_calls: [{ index: 1, function: { arguments: '{"x":1}' } }] } },
    ]);
    // Cache reads count as prompt tokens.
    expect(pieces.at(-1)).toEqual({ usage: { prompt_tokens: 100, completion_tokens: 30, total_tokens: 130 } });
  });

  it('maps max_tokens to length', async () => {
    const pieces = await collect(start + ev({ type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 4 } }) + ev({ type: 'message_stop' }));
    expect(pieces).toEqual([{ finishReason: 'length' }, { usage: { prompt_tokens: 100, completion_tokens: 4, total_tokens: 104 } }]);
  });

  it('fails with an UpstreamError, not a SyntaxError, on malformed event data', async () => {
    const err = await failure(start + 'event: content_block_delta\ndata: {"type":\n\n');
    expect(err).toBeInstanceOf(UpstreamError);
  });
});
