import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambda/openai/errors';
import { fromGeminiStream } from '../../../lambda/providers/google';
import { collect as collectAll } from '../../helpers/provider';

const encoder = new TextEncoder();

/** Bytes split at awkward places, the way a socket delivers them. */
async function* bytesOf(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const all = encoder.encode(text);
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
}

const sse = (...chunks: unknown[]) => chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join('');

const collect = (text: string) => collectAll(fromGeminiStream(bytesOf(text), 'google'));

describe('fromGeminiStream', () => {
  it('turns the documented SSE sequence into content pieces, a finish piece and the final usage last', async () => {
    const text = readFileSync(new URL('../../fixtures/google/stream-generate-content.sse', import.meta.url), 'utf8');
    expect(await collect(text)).toEqual([
      { delta: { content: 'AI learns' } },
      { delta: { content: ' patterns from data to make predictions' } },
      { delta: { content: ' or decisions.\n' } },
      { finishReason: 'stop' },
      { usage: { prompt_tokens: 8, completion_tokens: 10, total_tokens: 18 } },
    ]);
  });

  it('yields each function call whole, numbered across the stream, and finishes with tool_calls', async () => {
    const text = sse(
      { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] } }] },
      {
        candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_time', args: {} } }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 12, thoughtsTokenCount: 3, totalTokenCount: 45 },
      },
    );
    expect(await collect(text)).toEqual([
      { delta: { tool_calls: [{ index: 0, id: 'call_0_get_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] } },
      { delta: { tool_calls: [{ index: 1, id: 'call_1_get_time', type: 'function', function: { name: 'get_time', arguments: '{}' } }] } },
      { finishReason: 'tool_calls' },
      { usage: { prompt_tokens: 30, completion_tokens: 15, total_tokens: 45 } },
    ]);
  });

  it('maps MAX_TOKENS to length', async () => {
    const pieces = await collect(sse({ candidates: [{ content: { parts: [{ text: 'a' }] }, finishReason: 'MAX_TOKENS' }] }));
    expect(pieces).toContainEqual({ finishReason: 'length' });
  });

  it('throws an UpstreamError when the stream ends without a finish reason', async () => {
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
});
