import { describe, expect, it } from 'vitest';
import { decodeSse, encodeSseEvent, SSE_DONE } from '../../lambda/wire/sse';

async function* bytes(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield new TextEncoder().encode(p);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('SSE decoding', () => {
  it('reassembles events split across chunks at any byte, including inside a multi-byte character', async () => {
    const text = 'event: a\ndata: héllo\n\ndata: {"x":1}\n\n';
    const encoded = new TextEncoder().encode(text);
    for (let cut = 1; cut < encoded.length; cut++) {
      async function* split() {
        yield encoded.slice(0, cut);
        yield encoded.slice(cut);
      }
      expect(await collect(decodeSse(split()))).toEqual([
        { event: 'a', data: 'héllo', id: undefined },
        { event: undefined, data: '{"x":1}', id: undefined },
      ]);
    }
  });

  it('accepts CRLF and CR line endings, joins multi-line data, skips comments and empty events', async () => {
    const events = await collect(decodeSse(bytes(': keep-alive\r\n\r\ndata: one\r\ndata:two\r\rid: 7\ndata: x\n\n')));
    expect(events).toEqual([
      { event: undefined, data: 'one\ntwo', id: undefined },
      { event: undefined, data: 'x', id: '7' },
    ]);
  });

  it('dispatches a last event that has no trailing blank line', async () => {
    expect(await collect(decodeSse(bytes('data: tail')))).toEqual([{ event: undefined, data: 'tail', id: undefined }]);
  });
});

describe('SSE encoding', () => {
  it('frames one JSON object per data event and ends with [DONE]', () => {
    expect(encodeSseEvent({ a: 1 })).toBe('data: {"a":1}\n\n');
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
  });
});
