import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accumulate } from '../../../lambda/core/canonical/accumulate';
import { guardStream } from '../../../lambda/core/canonical/guard';
import { usage } from '../../../lambda/core/canonical/usage';
import { UpstreamError } from '../../../lambda/wire/errors';
import { fromAnthropicStream } from '../../../lambda/providers/anthropic';
import { collect as collectAll, rejection } from '../../helpers/provider';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), 'utf8');

/** The text as a byte stream cut into small, unaligned chunks, as a socket may deliver it. */
async function* bytes(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const all = new TextEncoder().encode(text);
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
}

/** The parts as the core receives them: the adapter's, through the guard every provider stream passes. */
const collect = (text: string) => collectAll(guardStream(fromAnthropicStream(bytes(text), 'anthropic'), 'anthropic', new AbortController().signal));
const failure = (text: string) => rejection(collect(text));

describe('fromAnthropicStream (documented streams)', () => {
  it('translates the basic text stream into one text block and a finish with the usage', async () => {
    expect(await collect(fixture('stream-text.sse'))).toEqual([
      // What Anthropic knows at message_start: the input side of the usage.
      { type: 'stream-start', usage: { inputTokens: 25, cacheReadTokens: 0, cacheWriteTokens: 0 } },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Hello' },
      { type: 'text-delta', index: 0, text: '!' },
      { type: 'text-end', index: 0 },
      { type: 'finish', reason: 'stop', usage: usage({ inputTokens: 25, outputTokens: 15 }) },
    ]);
  });

  it('translates text followed by a streamed tool_use block, keeping Anthropic block indexes and ids', async () => {
    const parts = await collect(fixture('stream-tool-use.sse'));
    const result = accumulate(parts);
    expect(result.content).toEqual([
      { type: 'text', text: "Okay, let's check the weather for San Francisco, CA:" },
      { type: 'tool-call', callId: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: '{"location": "San Francisco, CA", "unit": "fahrenheit"}' },
    ]);
    expect(parts.find((p) => p.type === 'tool-input-start')).toMatchObject({ index: 1 });
    expect(result.reason).toBe('tool_calls');
    expect(result.usage).toEqual(usage({ inputTokens: 472, outputTokens: 89 }));
  });

  it('keeps thinking text and its signature, delta by delta', async () => {
    const parts = await collect(fixture('stream-thinking.sse'));
    expect(parts.filter((p) => p.type === 'reasoning-signature')).toEqual([
      { type: 'reasoning-signature', index: 0, signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds6fd2ymbOdGFTMQb/Vbn8+8gQ5S7NvSjwGBsBn0CuBQfLm9kGFOtyb6D2tU6hA==' },
    ]);
    const result = accumulate(parts);
    expect(result.content[0]).toMatchObject({ type: 'reasoning', text: expect.stringContaining('27 * 400 = 10,800 — then'), signature: expect.stringMatching(/^EqQB/) });
    expect(result.usage).toMatchObject({ cacheReadTokens: 1104, inputTokens: 72 + 1104 });
  });

  it('fails with a retryable UpstreamError on a mid-stream error event', async () => {
    const head = fixture('stream-text.sse').split('event: content_block_stop')[0] ?? '';
    const err = await failure(head + fixture('stream-error.sse'));
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(true);
    expect((err as UpstreamError).message).toContain('overloaded_error');
  });
});

describe('fromAnthropicStream (edge cases)', () => {
  const ev = (data: Record<string, unknown>) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
  const start = ev({ type: 'message_start', message: { usage: { input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 1 } } });

  it('is cut when the stream ends before message_stop, even after message_delta', async () => {
    const body = fixture('stream-text.sse').split('event: message_stop')[0] ?? '';
    const err = await failure(body);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).upstream).toBe('stream');
  });

  it('skips blocks it cannot carry (server tools) whole, deltas and stop included', async () => {
    const parts = await collect(
      start +
        ev({ type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search' } }) +
        ev({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{}' } }) +
        ev({ type: 'content_block_stop', index: 0 }) +
        ev({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }) +
        ev({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'ok' } }) +
        ev({ type: 'content_block_stop', index: 1 }) +
        ev({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 30 } }) +
        ev({ type: 'message_stop' }),
    );
    expect(accumulate(parts).content).toEqual([{ type: 'text', text: 'ok' }]);
    // Cache reads count as input tokens.
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop', usage: usage({ inputTokens: 100, outputTokens: 30, cacheReadTokens: 90 }) });
  });

  it('maps max_tokens to length and keeps the stop sequence', async () => {
    const end = (delta: Record<string, unknown>) => collect(start + ev({ type: 'message_delta', delta, usage: { output_tokens: 4 } }) + ev({ type: 'message_stop' }));
    expect((await end({ stop_reason: 'max_tokens' })).at(-1)).toMatchObject({ type: 'finish', reason: 'length' });
    expect((await end({ stop_reason: 'stop_sequence', stop_sequence: 'END' })).at(-1)).toMatchObject({ type: 'finish', reason: 'stop', stopSequence: 'END' });
  });

  it('fails with an UpstreamError, not a SyntaxError, on malformed event data', async () => {
    const err = await failure(start + 'event: content_block_delta\ndata: {"type":\n\n');
    expect(err).toBeInstanceOf(UpstreamError);
  });

  it('fails with an UpstreamError on events of a valid shape in an impossible order', async () => {
    const err = await failure(start + ev({ type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'x' } }) + ev({ type: 'message_stop' }));
    expect(err).toBeInstanceOf(UpstreamError);
    const wrongShape = await failure(start + ev({ type: 'content_block_start', index: 0 }) + ev({ type: 'message_stop' }));
    expect(wrongShape).toBeInstanceOf(UpstreamError);
  });
});
