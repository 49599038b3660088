import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accumulate } from '../../../lambda/core/canonical/accumulate';
import { guardStream } from '../../../lambda/core/canonical/guard';
import { usage } from '../../../lambda/core/canonical/usage';
import { UpstreamError } from '../../../lambda/wire/errors';
import { fromGeminiStream } from '../../../lambda/providers/google';
import { collect as collectAll } from '../../helpers/provider';

const encoder = new TextEncoder();

/** Bytes split at awkward places, the way a socket delivers them. */
async function* bytesOf(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const all = encoder.encode(text);
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
}

const sse = (...chunks: unknown[]) => chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join('');

/** The parts as the core receives them: the adapter's, through the guard every provider stream passes. */
const collect = (text: string) => collectAll(guardStream(fromGeminiStream(bytesOf(text), 'google'), 'google', new AbortController().signal));

describe('fromGeminiStream', () => {
  it('turns the documented SSE sequence into one text block and a finish with the final usage', async () => {
    const text = readFileSync(new URL('../../fixtures/google/stream-generate-content.sse', import.meta.url), 'utf8');
    expect(await collect(text)).toEqual([
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'AI learns' },
      { type: 'text-delta', index: 0, text: ' patterns from data to make predictions' },
      { type: 'text-delta', index: 0, text: ' or decisions.\n' },
      { type: 'text-end', index: 0 },
      { type: 'finish', reason: 'stop', usage: usage({ inputTokens: 8, outputTokens: 10 }) },
    ]);
  });

  it('yields each function call whole, numbered across the stream, and finishes with tool_calls', async () => {
    const text = sse(
      { candidates: [{ content: { role: 'model', parts: [{ text: 'thinking it over', thought: true }, { functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] } }] },
      {
        candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_time', args: {} } }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 12, thoughtsTokenCount: 3, totalTokenCount: 45 },
      },
    );
    const parts = await collect(text);
    expect(accumulate(parts)).toEqual({
      content: [
        { type: 'reasoning', text: 'thinking it over' },
        { type: 'tool-call', callId: 'call_0_get_weather', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'tool-call', callId: 'call_1_get_time', name: 'get_time', arguments: '{}' },
      ],
      reason: 'tool_calls',
      usage: usage({ inputTokens: 30, outputTokens: 15, reasoningTokens: 3 }),
    });
  });

  it('maps MAX_TOKENS to length', async () => {
    const parts = await collect(sse({ candidates: [{ content: { parts: [{ text: 'a' }] }, finishReason: 'MAX_TOKENS' }] }));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'length' });
  });

  it('is cut (an UpstreamError) when the stream ends without a finish reason', async () => {
    const text = sse({ candidates: [{ content: { parts: [{ text: 'half' }] } }], usageMetadata: { promptTokenCount: 3 } });
    const error = await collect(text).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ upstream: 'stream', retryable: true });
  });

  it('throws an UpstreamError carrying the message of an error sent mid-stream', async () => {
    const text = sse({ candidates: [{ content: { parts: [{ text: 'a' }] } }] }, { error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } });
    const error = await collect(text).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toContain('INTERNAL: An internal error has occurred.');
  });

  it('throws an UpstreamError, not a TypeError, for a chunk of the wrong shape', async () => {
    const error = await collect(sse({ candidates: [{ content: { parts: 'not a list' } }] })).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UpstreamError);
  });
});
