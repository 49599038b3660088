// The outbound HTTP/1.1 client against real servers on loopback: node:http where a well-behaved server
// is wanted, raw sockets where the server must misbehave in a precise way.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Client, type SendOptions } from '../../lambda/net/http1-client';

const servers: Array<Server | NetServer> = [];
const clients: Http1Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) {
    (s as Server).closeAllConnections?.();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function listen<S extends Server | NetServer>(server: S): Promise<{ server: S; client: (o?: ConstructorParameters<typeof Http1Client>[1]) => Http1Client }> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    client: (o) => {
      const c = new Http1Client(origin, o);
      clients.push(c);
      return c;
    },
  };
}

const post = (body: string, more: Partial<SendOptions> = {}): SendOptions => ({ method: 'POST', path: '/echo?x=1', headers: { 'content-type': 'text/plain' }, body, ...more });

describe('Http1Client', () => {
  it('sends method, path, headers and body, and reuses one connection for requests in sequence', async () => {
    const ports: number[] = [];
    const { client } = await listen(
      createServer((req, res) => {
        ports.push(req.socket.remotePort as number);
        const parts: Buffer[] = [];
        req.on('data', (c: Buffer) => parts.push(c));
        req.on('end', () => res.end(JSON.stringify({ method: req.method, url: req.url, type: req.headers['content-type'], host: req.headers.host, body: Buffer.concat(parts).toString() })));
      }),
    );
    const c = client();
    for (const body of ['one', 'twö', '']) {
      const answer = await c.request(post(body));
      expect(answer.status).toBe(200);
      expect(JSON.parse(await answer.text())).toMatchObject({ method: 'POST', url: '/echo?x=1', type: 'text/plain', host: expect.stringMatching(/^127\.0\.0\.1:\d+$/), body });
    }
    expect(new Set(ports).size).toBe(1);
  });

  it('hands over a streamed body as it arrives, not at its end', async () => {
    let next!: () => void;
    const { client } = await listen(
      createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        next = () => res.end('data: second\n\n');
      }),
    );
    const answer = await client().request(post(''));
    const it = answer.body[Symbol.asyncIterator]();
    expect(Buffer.from((await it.next()).value as Uint8Array).toString()).toBe('data: first\n\n');
    next();
    expect(Buffer.from((await it.next()).value as Uint8Array).toString()).toBe('data: second\n\n');
    expect((await it.next()).done).toBe(true);
  });

  it('closes the connection when the reader stops early or the signal aborts, failing the body with the reason', async () => {
    const closed: string[] = [];
    const { client } = await listen(
      createServer((req, res) => {
        req.socket.once('close', () => closed.push(req.url as string));
        res.writeHead(200);
        res.write('part');
      }),
    );
    const c = client();
    const early = await c.request(post('', { path: '/early' }));
    for await (const _ of early.body) break;
    const controller = new AbortController();
    const aborted = await c.request(post('', { path: '/abort', signal: controller.signal }));
    const reading = (async () => {
      for await (const _ of aborted.body);
    })();
    controller.abort(new Error('client went away'));
    await expect(reading).rejects.toThrow('client went away');
    await expect.poll(() => closed.sort()).toEqual(['/abort', '/early']);
  });

  it('fails a slow exchange with a TimeoutError and does not reuse its connection', async () => {
    const ports: number[] = [];
    const { client } = await listen(
      createServer((req, res) => {
        ports.push(req.socket.remotePort as number);
        if (req.url === '/slow') setTimeout(() => res.end('late'), 1_000);
        else res.end('ok');
      }),
    );
    const c = client();
    await (await c.request(post('', { path: '/fast' }))).text();
    await expect(c.request(post('', { path: '/slow', timeoutMs: 100 }))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(await (await c.request(post('', { path: '/fast' }))).text()).toBe('ok');
    expect(new Set(ports).size).toBe(2);
  });

  it('sends again, once, on a new connection when a reused one was closed unanswered; never after part of an answer', async () => {
    let requests = 0;
    const { client } = await listen(
      createNetServer((socket: Socket) => {
        let n = 0;
        socket.on('data', () => {
          requests++;
          n++;
          // The first request on each connection is answered; the second finds the connection dead, or
          // (on the path /partial) half an answer.
          if (n === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
          else socket.destroy();
        });
      }),
    );
    const c = client();
    await (await c.request(post('a'))).text();
    expect(await (await c.request(post('b'))).text()).toBe('ok');
    expect(requests).toBe(3);

    let partial = 0;
    const { client: partialClient } = await listen(
      createNetServer((socket: Socket) => {
        socket.on('data', () => {
          partial++;
          if (partial === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
          else socket.end('HTTP/1.1 200 O');
        });
      }),
    );
    const p = partialClient();
    await (await p.request(post('a'))).text();
    await expect(p.request(post('b'))).rejects.toThrow();
    expect(partial).toBe(2);
  });

  it('refuses a header value holding a line break before sending anything', async () => {
    let requests = 0;
    const { client } = await listen(createServer((_req, res) => (requests++, res.end())));
    await expect(client().request(post('', { headers: { 'x-api-key': 'k\r\nx-injected: 1' } }))).rejects.toThrow(TypeError);
    expect(requests).toBe(0);
  });

  it('holds requests beyond maxSockets until a connection comes free', async () => {
    let open = 0;
    let most = 0;
    const { client } = await listen(
      createServer((_req, res) => {
        open++;
        most = Math.max(most, open);
        setTimeout(() => (open--, res.end('ok')), 20);
      }),
    );
    const c = client({ maxSockets: 2 });
    const texts = await Promise.all(Array.from({ length: 6 }, async () => (await c.request(post(''))).text()));
    expect(texts).toEqual(Array(6).fill('ok'));
    expect(most).toBe(2);
  });

  it('passes a free connection on past a request that was aborted while it waited', async () => {
    const { client } = await listen(createServer((_req, res) => setTimeout(() => res.end('ok'), 50)));
    const c = client({ maxSockets: 1 });
    const first = c.request(post(''));
    const controller = new AbortController();
    const abandoned = c.request(post('', { signal: controller.signal }));
    const third = c.request(post(''));
    controller.abort(new Error('gave up waiting'));
    await expect(abandoned).rejects.toThrow('gave up waiting');
    expect(await (await first).text()).toBe('ok');
    expect(await (await third).text()).toBe('ok');
  });

  it('fails fast when nothing listens', async () => {
    const c = new Http1Client('http://127.0.0.1:9', { connectTimeoutMs: 500 });
    clients.push(c);
    await expect(c.request(post(''))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('bounds making a TLS connection to a server that never answers the handshake', async () => {
    // The server reads the ClientHello and never answers it.
    const { server } = await listen(createNetServer((s) => s.resume()));
    const c = new Http1Client(`https://127.0.0.1:${(server.address() as AddressInfo).port}`, { connectTimeoutMs: 200 });
    clients.push(c);
    const began = Date.now();
    await expect(c.request(post(''))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - began).toBeLessThan(1_000);
  });
});

describe('Http1Client over TLS', () => {
  it('speaks HTTP/1.1 over TLS, verifying the certificate, and resumes the session on a second connection', async () => {
    const { generate } = await import('selfsigned');
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
    });
    const resumed: boolean[] = [];
    const server = createHttpsServer({ key: pems.private, cert: pems.cert }, (req, res) => {
      resumed.push((req.socket as TLSSocket).isSessionReused());
      setTimeout(() => res.end(`secure ${req.url}`), 20);
    });
    const { server: s } = await listen(server);
    const origin = `https://localhost:${(s.address() as AddressInfo).port}`;
    const trusting = new Http1Client(origin, { ca: pems.cert });
    const untrusting = new Http1Client(origin);
    clients.push(trusting, untrusting);
    expect(await (await trusting.request({ method: 'GET', path: '/one', headers: {} })).text()).toBe('secure /one');
    // Two at once: the second needs a connection of its own, which resumes the first one's session.
    const both = await Promise.all(['/two', '/three'].map(async (path) => (await trusting.request({ method: 'GET', path, headers: {} })).text()));
    expect(both).toEqual(['secure /two', 'secure /three']);
    expect([...resumed].sort()).toEqual([false, false, true]);
    await expect(untrusting.request({ method: 'GET', path: '/', headers: {} })).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });
});
