// A recorded upstream on loopback: answers every POST with the bytes it was given (SSE streamed in small
// slices, as a socket would deliver them) and keeps what it was sent, so a test can check that what went
// upstream, and what came back out of the gateway, is exactly what it should be.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The body exactly as it arrived. */
  raw: string;
}

export interface ReplayUpstream {
  url: string;
  received: Received[];
  /** What the next requests are answered with: status, content type and body. */
  answer(next: { status?: number; contentType?: string; body: string }): void;
  close(): Promise<void>;
}

export async function startReplayUpstream(): Promise<ReplayUpstream> {
  const received: Received[] = [];
  let reply = { status: 200, contentType: 'application/json', body: '{}' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', headers: req.headers, body: raw ? (JSON.parse(raw) as unknown) : undefined, raw });
      res.writeHead(reply.status, { 'content-type': reply.contentType });
      const bytes = Buffer.from(reply.body, 'utf8');
      // Slices that cut events, lines and characters apart.
      const send = (at: number) => {
        if (at >= bytes.length) return res.end();
        res.write(bytes.subarray(at, at + 61), () => send(at + 61));
      };
      send(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer(next) {
      reply = { status: next.status ?? 200, contentType: next.contentType ?? 'application/json', body: next.body };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
