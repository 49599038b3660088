// The gateway's outbound HTTP/1.1 client: DynamoDB and the providers are reached through it. A keep-alive
// pool per origin over plain sockets (TLS with session resumption for https), one request at a time per
// connection, framing parsed in response-parser.ts.
//
// Why not fetch or node:http: per request on loopback, Node's fetch spends about 0.5-0.9 ms of CPU (WHATWG
// streams, header objects) and node:http about 0.2 ms; this client about 0.09 ms (bench/ and the README's
// Performance section). undici's own Pool is as lean but adds about 150 KB to the bundle.
//
// Invariants: a connection carries one exchange at a time and goes back to the pool only after its
// response ended cleanly with keep-alive; any failure, abort or early stop destroys it. A request is sent
// again (once, on a new connection) only when a reused connection failed before any answer began: the
// server closed it while it sat idle, so it never read the request.
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { BodyQueue } from './body-queue';
import { ProtocolError, ResponseParser, type ResponseHead } from './response-parser';

export interface ClientOptions {
  /** Connections open at once; requests beyond wait for one to come free. */
  maxSockets?: number;
  /** An idle connection older than this is not reused (closed instead). */
  idleMs?: number;
  /** Bound on making a connection (TCP, and TLS for https). */
  connectTimeoutMs?: number;
  /** Certificates to trust instead of Node's bundled roots (https only): a host behind a private CA. */
  ca?: string | Buffer;
}

export interface SendOptions {
  method: 'GET' | 'POST';
  /** Path and query, starting with "/". */
  path: string;
  /** Header values must not hold CR or LF; content-length is set here, and host unless given. */
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Bound on the whole exchange, to the body's last byte; it fails with a TimeoutError. */
  timeoutMs?: number;
}

export interface Answer {
  status: number;
  headers: Map<string, string>;
  /** The body as it arrives; stopping early closes the connection. */
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
}

const DEFAULTS = { maxSockets: 50, idleMs: 20_000, connectTimeoutMs: 5_000 };
type Settings = typeof DEFAULTS & Pick<ClientOptions, 'ca'>;
/** Ways a reused connection shows that the server had closed it: it never read the request. */
const STALE = new Set(['ECONNRESET', 'EPIPE']);
/** A line break in a header would end it early and let the rest be read as headers of its own (two scans, cheaper than a regex per header). */
const breaksLine = (text: string) => text.includes('\n') || text.includes('\r');

const errorWithCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const timeoutError = (message: string) => Object.assign(new Error(message), { name: 'TimeoutError' });

interface Exchange {
  parser: ResponseParser;
  /** The exchange failed: before its head, the request's promise rejects; after, its body breaks off. */
  fail(err: Error): void;
  /** Some of the answer arrived: past this point the request is never sent again. */
  answered: boolean;
}

/** Failures after part of an answer arrived: the server read the request, so it is never sent again. */
const MID_ANSWER = new WeakSet<Error>();

class Connection {
  exchange: Exchange | undefined;
  reused = false;
  idleUntil = 0;
  closed = false;

  constructor(
    readonly socket: Socket | TLSSocket,
    private readonly onFree: (c: Connection) => void,
    private readonly onGone: (c: Connection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (bytes: Buffer) => this.onData(bytes));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.onClose());
  }

  send(head: string, body: string | undefined, exchange: Exchange): void {
    this.exchange = exchange;
    this.socket.ref();
    this.socket.write(body ? head + body : head);
  }

  destroy(err?: Error): void {
    if (err) this.fail(err);
    this.socket.destroy();
  }

  private onData(bytes: Buffer): void {
    const x = this.exchange;
    if (!x) return this.destroy(); // an idle connection has nothing to say
    x.answered = true;
    try {
      if (x.parser.push(bytes) > 0) this.destroy();
    } catch (err) {
      this.destroy(err as Error);
    }
  }

  private onClose(): void {
    this.closed = true;
    const x = this.exchange;
    if (x) {
      try {
        x.parser.close();
      } catch (err) {
        const cut = err instanceof ProtocolError && !x.answered ? errorWithCode('socket hang up', 'ECONNRESET') : (err as Error);
        this.fail(cut);
      }
    }
    this.onGone(this);
  }

  private fail(err: Error): void {
    const x = this.exchange;
    if (!x) return;
    this.exchange = undefined;
    if (x.answered) MID_ANSWER.add(err);
    x.fail(err);
    this.socket.destroy();
  }

  /** The response ended: the connection is free for the next exchange if the server keeps it open. */
  finished(head: ResponseHead, idleMs: number): void {
    this.exchange = undefined;
    if (!head.keepAlive || this.closed) return void this.socket.destroy();
    // A server's Keep-Alive hint: stop reusing a second before it would close.
    const hint = /timeout=(\d+)/.exec(head.headers.get('keep-alive') ?? '');
    const ms = hint ? Math.min(idleMs, Number(hint[1]) * 1000 - 1000) : idleMs;
    if (ms <= 0) return void this.socket.destroy();
    this.idleUntil = Date.now() + ms;
    this.reused = true;
    this.socket.unref();
    this.onFree(this);
  }
}

export class Http1Client {
  private readonly options: Settings;
  private readonly url: URL;
  private readonly hostHeader: string;
  /** Most recently used last: reuse takes the warmest. */
  private readonly idle: Connection[] = [];
  private open = 0;
  private readonly waiting: Array<() => void> = [];
  private tlsSession: Buffer | undefined;
  private destroyed = false;

  constructor(origin: string, options: ClientOptions = {}) {
    this.url = new URL(origin);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') throw new Error(`unsupported protocol ${this.url.protocol}`);
    this.hostHeader = this.url.host;
    this.options = { ...DEFAULTS, ...options };
  }

  async request(o: SendOptions): Promise<Answer> {
    if (this.destroyed) throw new Error('client destroyed');
    const head = this.head(o);
    o.signal?.throwIfAborted();
    // A warm idle connection is taken without a wait: the common case of a busy instance.
    let connection = this.takeIdle() ?? (await this.acquire(o.signal));
    try {
      return await this.exchange(connection, head, o);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!connection.reused || !STALE.has(code) || MID_ANSWER.has(err as Error) || o.signal?.aborted) throw err;
      // Not through the pool: another idle connection may be just as stale.
      connection = await this.connect(o.signal);
      return this.exchange(connection, head, o);
    }
  }

  /** Closes every connection; requests in flight fail. */
  destroy(): void {
    this.destroyed = true;
    for (const c of this.idle.splice(0)) c.destroy();
  }

  private head(o: SendOptions): string {
    // A caller that signs the host header (SigV4) passes it; it is the origin's host all the same.
    let head = `${o.method} ${o.path} HTTP/1.1\r\n${o.headers.host === undefined ? `host: ${this.hostHeader}\r\n` : ''}`;
    for (const name in o.headers) {
      const value = o.headers[name] as string;
      if (breaksLine(value) || breaksLine(name)) throw new TypeError(`header ${JSON.stringify(name)} holds a line break`);
      head += `${name}: ${value}\r\n`;
    }
    if (o.body !== undefined) head += `content-length: ${Buffer.byteLength(o.body)}\r\n`;
    return `${head}\r\n`;
  }

  private exchange(connection: Connection, head: string, o: SendOptions): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let response: ResponseHead | undefined;
      let body: BodyQueue | undefined;
      const onAbort = () => connection.destroy((o.signal?.reason as Error | undefined) ?? new Error('aborted'));
      const settle = () => {
        if (timer) clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
      };
      const exchange: Exchange = {
        answered: false,
        fail: (err) => {
          settle();
          if (body) body.fail(err);
          else reject(err);
        },
        parser: new ResponseParser({
          head: (h) => {
            response = h;
            body = new BodyQueue(connection.socket, () => connection.destroy());
            const queue = body;
            resolve({ status: h.status, headers: h.headers, body: queue, text: () => queue.text() });
          },
          data: (chunk) => body?.push(chunk),
          done: () => {
            settle();
            body?.end();
            connection.finished(response as ResponseHead, this.options.idleMs);
          },
        }),
      };
      if (o.timeoutMs !== undefined) {
        const ms = o.timeoutMs;
        timer = setTimeout(() => connection.destroy(timeoutError(`no complete answer within ${ms} ms`)), ms);
      }
      o.signal?.addEventListener('abort', onAbort, { once: true });
      connection.send(head, o.body, exchange);
      // Aborted while a connection was being found: the listener above will never fire.
      if (o.signal?.aborted) onAbort();
    });
  }

  /** The most recently used idle connection still fit for reuse; stale ones met on the way are closed. */
  private takeIdle(): Connection | undefined {
    const now = Date.now();
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (!c.closed && c.idleUntil > now) return c;
      c.destroy();
    }
    return undefined;
  }

  private async acquire(signal: AbortSignal | undefined): Promise<Connection> {
    const idle = this.takeIdle();
    if (idle) return idle;
    if (this.open >= this.options.maxSockets) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (signal?.aborted) {
        // The wake-up this request no longer needs goes to the next one waiting.
        this.waiting.shift()?.();
        signal.throwIfAborted();
      }
      return this.acquire(signal);
    }
    return this.connect(signal);
  }

  private connect(signal: AbortSignal | undefined): Promise<Connection> {
    const { hostname, port, protocol } = this.url;
    const host = hostname.replace(/^\[|\]$/g, '');
    const secure = protocol === 'https:';
    const socket = secure
      ? tlsConnect({ host, port: Number(port || 443), ...(isIP(host) ? {} : { servername: host }), ALPNProtocols: ['http/1.1'], ...(this.options.ca ? { ca: this.options.ca } : {}), ...(this.tlsSession ? { session: this.tlsSession } : {}) })
      : netConnect({ host, port: Number(port || 80) });
    if (secure) (socket as TLSSocket).on('session', (session: Buffer) => (this.tlsSession = session));
    this.open++;
    const connection = new Connection(
      socket,
      (c) => this.release(c),
      (c) => this.gone(c),
    );
    return new Promise<Connection>((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(err);
      };
      const onAbort = () => fail((signal?.reason as Error | undefined) ?? new Error('aborted'));
      const timer = setTimeout(() => fail(timeoutError(`no connection to ${this.url.origin} within ${this.options.connectTimeoutMs} ms`)), this.options.connectTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', fail);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.off('error', fail);
        resolve(connection);
      });
    });
  }

  private release(c: Connection): void {
    if (this.destroyed) return c.destroy();
    const next = this.waiting.shift();
    this.idle.push(c);
    next?.();
  }

  private gone(c: Connection): void {
    this.open--;
    const at = this.idle.indexOf(c);
    if (at >= 0) this.idle.splice(at, 1);
    this.waiting.shift()?.();
  }
}
