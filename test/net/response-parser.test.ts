// HTTP/1.1 response framing, fed whole and split at every byte: the parser must give the same head, body
// and end whatever the packet boundaries.
import { describe, expect, it } from 'vitest';
import { ProtocolError, ResponseParser, type ResponseHead } from '../../lambda/net/response-parser';

interface Parsed {
  heads: ResponseHead[];
  body: string;
  done: number;
  surplus: number;
}

function parse(chunks: Buffer[], options: { close?: boolean; noBody?: boolean } = {}): Parsed {
  const out: Parsed = { heads: [], body: '', done: 0, surplus: 0 };
  const parts: Buffer[] = [];
  const parser = new ResponseParser({ head: (h) => out.heads.push(h), data: (c) => parts.push(Buffer.from(c)), done: () => out.done++ }, options.noBody);
  for (const c of chunks) out.surplus += parser.push(c);
  if (options.close) parser.close();
  out.body = Buffer.concat(parts).toString('utf8');
  return out;
}

/** Every way to cut the bytes in two, and one byte at a time. */
function splits(raw: string): Buffer[][] {
  const all = Buffer.from(raw);
  const out: Buffer[][] = [[all], [...all].map((b) => Buffer.from([b]))];
  for (let i = 1; i < all.length; i++) out.push([all.subarray(0, i), all.subarray(i)]);
  return out;
}

const PIECE = '{"a":"héllo"}';
const CHUNKED = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n6;ext=1\r\ndata: \r\n${Buffer.byteLength(PIECE).toString(16)}\r\n${PIECE}\r\n0\r\nX-Trailer: yes\r\n\r\n`;

describe('ResponseParser', () => {
  it('reads a content-length body, however the bytes are split', () => {
    const raw = 'HTTP/1.1 201 Created\r\nContent-Length: 11\r\nX-Two: a\r\nx-two: b\r\n\r\nhello world';
    for (const chunks of splits(raw)) {
      const p = parse(chunks);
      expect(p).toMatchObject({ body: 'hello world', done: 1, surplus: 0 });
      expect(p.heads).toHaveLength(1);
      expect(p.heads[0]?.status).toBe(201);
      expect(p.heads[0]?.keepAlive).toBe(true);
      expect(p.heads[0]?.headers.get('x-two')).toBe('a, b');
    }
  });

  it('decodes a chunked body with extensions and trailers, however the bytes are split', () => {
    for (const chunks of splits(CHUNKED)) {
      const p = parse(chunks);
      expect(p).toMatchObject({ body: 'data: {"a":"héllo"}', done: 1, surplus: 0 });
      expect(p.heads[0]?.headers.get('content-type')).toBe('text/event-stream');
    }
  });

  it('ends a body without framing at the close, and only there', () => {
    const raw = 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it';
    const p = parse([Buffer.from(raw)], { close: true });
    expect(p).toMatchObject({ body: 'all of it', done: 1 });
    expect(p.heads[0]?.keepAlive).toBe(false);
    expect(parse([Buffer.from(raw)]).done).toBe(0);
  });

  it('has no body for 204, 304 and HEAD, and skips informational answers', () => {
    expect(parse([Buffer.from('HTTP/1.1 204 No Content\r\n\r\n')])).toMatchObject({ done: 1, body: '' });
    expect(parse([Buffer.from('HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n')])).toMatchObject({ done: 1, body: '' });
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n')], { noBody: true })).toMatchObject({ done: 1, body: '' });
    const p = parse([Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')]);
    expect(p.heads.map((h) => h.status)).toEqual([200]);
    expect(p.body).toBe('ok');
  });

  it('knows when the server keeps the connection: HTTP/1.1 unless close, HTTP/1.0 only if asked', () => {
    const head = (raw: string) => parse([Buffer.from(`${raw}\r\nContent-Length: 0\r\n\r\n`)]).heads[0]?.keepAlive;
    expect(head('HTTP/1.1 200 OK')).toBe(true);
    expect(head('HTTP/1.1 200 OK\r\nConnection: Close')).toBe(false);
    expect(head('HTTP/1.0 200 OK')).toBe(false);
    expect(head('HTTP/1.0 200 OK\r\nConnection: keep-alive')).toBe(true);
  });

  it('reports bytes past the end of the message as surplus', () => {
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA')]).surplus).toBe(5);
  });

  it.each([
    ['a status line that is not HTTP/1.x', 'HTTP/2 200\r\n\r\n'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n'],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a chunk not followed by CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX'],
    ['a content-length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n'],
    ['an encoding other than chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n'],
  ])('refuses %s', (_what, raw) => {
    expect(() => parse([Buffer.from(raw)])).toThrow(ProtocolError);
  });

  it('refuses a head larger than 64 KB and a body cut by the close', () => {
    expect(() => parse([Buffer.from(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}`)])).toThrow(/too large/);
    expect(() => parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort')], { close: true })).toThrow(/mid-body/);
    expect(() => parse([Buffer.from('HTTP/1.1 200')], { close: true })).toThrow(/before a response/);
  });
});
