// The provider simulator: one loopback HTTP server that speaks every provider's wire protocol under
// "/<instance>/..." (instance names as in config.ts), with per-instance pacing and fault injection.
// Control endpoints (loopback only, for tests, benchmarks and `npm start`):
//   POST /_sim/config {instance, ttftMs?, tokensPerSecond?, fault?}   POST /_sim/reset   GET /_sim/stats
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROVIDER_INSTANCES } from '../../config';
import { answer } from './answer';
import { PromptCache } from './cache';
import type { SimProtocol } from './protocol';
import { SimBadRequest } from './protocol';

export type SimFault =
  /** Answer with this HTTP status (the next `times` requests, or all while set). */
  | { kind: 'status'; status: number; times?: number }
  /** Accept the request and never answer: the gateway's timeouts must act. */
  | { kind: 'hang'; times?: number }
  /** Send the stream's head (and, streamed, its opening frames) but never a token. */
  | { kind: 'stall'; times?: number }
  /** Emit this many tokens, then drop the connection. */
  | { kind: 'cut'; afterTokens: number; times?: number }
  /** Emit this many tokens, then one well-framed event whose JSON is broken, then end the stream (a
   * non-streamed answer is a 200 with truncated JSON). */
  | { kind: 'garble'; afterTokens: number; times?: number };

export interface SimBehaviour {
  ttftMs: number;
  /** 0 means unpaced: tokens go out as fast as the socket takes them. */
  tokensPerSecond: number;
  fault?: SimFault;
}

export interface SimStats {
  requests: number;
  completed: number;
  /** Requests whose client went away before the answer was complete. */
  aborted: number;
  faults: number;
  lastBody?: unknown;
  /** The last request's path (with its query) and headers as they arrived (names in lower case). */
  lastPath?: string;
  lastHeaders?: Record<string, string | string[] | undefined>;
}

export interface SimulatorOptions {
  port?: number;
  protocols: SimProtocol[];
  defaults?: Partial<SimBehaviour>;
}

export interface Simulator {
  url: string;
  server: Server;
  configure(instance: string, behaviour: Partial<SimBehaviour>): void;
  reset(): void;
  stats(instance: string): SimStats;
  close(): Promise<void>;
}

const KIND_OF = new Map<string, SimProtocol['kind']>(PROVIDER_INSTANCES.map((p) => [p.name, p.kind]));

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const defaults: SimBehaviour = { ttftMs: 0, tokensPerSecond: 0, ...options.defaults };
  const behaviours = new Map<string, SimBehaviour>();
  const stats = new Map<string, SimStats>();
  const caches = new Map<string, PromptCache>();
  const cacheOf = (instance: string) => {
    let c = caches.get(instance);
    if (!c) caches.set(instance, (c = new PromptCache()));
    return c;
  };
  const protocols = new Map(options.protocols.map((p) => [p.kind, p]));

  const behaviour = (instance: string) => behaviours.get(instance) ?? { ...defaults };
  const statsOf = (instance: string) => {
    let s = stats.get(instance);
    if (!s) stats.set(instance, (s = { requests: 0, completed: 0, aborted: 0, faults: 0 }));
    return s;
  };
  const configure = (instance: string, patch: Partial<SimBehaviour>) => {
    behaviours.set(instance, { ...behaviour(instance), ...patch });
  };

  /** Takes the instance's fault for this request, counting down `times`. */
  const takeFault = (instance: string): SimFault | undefined => {
    const b = behaviour(instance);
    const fault = b.fault;
    if (!fault) return undefined;
    if (fault.times !== undefined) {
      const left = fault.times - 1;
      behaviours.set(instance, { ...b, fault: left > 0 ? { ...fault, times: left } : undefined });
    }
    return fault;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err) } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/_sim/')) return control(url.pathname, req.method ?? 'GET', raw, res);

    const [, instance = '', ...rest] = url.pathname.split('/');
    const kind = KIND_OF.get(instance);
    const protocol = kind && protocols.get(kind);
    if (!protocol) return sendJson(res, 404, { error: { message: `no simulated provider at /${instance}` } });
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      return sendJson(res, 400, protocol.error(400, 'request body is not valid JSON'), protocol.errorHeaders?.(400));
    }
    const call = protocol.match(req.method ?? 'GET', `/${rest.join('/')}${url.search}`, body);
    if (!call) return sendJson(res, 404, protocol.error(404, `unknown endpoint ${url.pathname}`), protocol.errorHeaders?.(404));

    const s = statsOf(instance);
    s.requests++;
    s.lastBody = body;
    s.lastPath = url.pathname + url.search;
    s.lastHeaders = { ...req.headers };
    let gone = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        gone = true;
        s.aborted++;
      }
    });

    const b = behaviour(instance);
    const fault = takeFault(instance);
    if (fault) s.faults++;
    if (fault?.kind === 'status') {
      return sendJson(res, fault.status, protocol.error(fault.status, `simulated ${fault.status} from ${instance}`), {
        ...protocol.errorHeaders?.(fault.status),
        ...(fault.status === 429 ? { 'retry-after': '1' } : {}),
      });
    }
    if (fault?.kind === 'hang') return; // the response stays open until the client gives up

    let parsed;
    try {
      parsed = protocol.parse(call, { cache: cacheOf(instance) });
    } catch (err) {
      if (err instanceof SimBadRequest) return sendJson(res, 400, protocol.error(400, err.message), protocol.errorHeaders?.(400));
      throw err;
    }
    if (call.count && protocol.count) {
      s.completed++;
      return sendJson(res, 200, protocol.count(parsed), protocol.headers);
    }
    const result = answer(parsed);

    if (!call.stream) {
      if (fault?.kind === 'stall') return;
      if (fault?.kind === 'cut') {
        res.destroy();
        return;
      }
      if (fault?.kind === 'garble') {
        res.writeHead(200, { 'content-type': 'application/json', ...protocol.headers });
        res.end('{"id":"garbled","choices":[{');
        return;
      }
      if (b.ttftMs) await sleep(b.ttftMs);
      if (b.tokensPerSecond) await sleep((1000 * result.completionTokens) / b.tokensPerSecond);
      if (gone) return;
      sendJson(res, 200, protocol.json(result, call), protocol.headers);
      s.completed++;
      return;
    }

    res.writeHead(200, { 'content-type': protocol.streamContentType, 'cache-control': 'no-cache', ...protocol.headers });
    res.flushHeaders();
    let tokens = 0;
    for (const frame of protocol.frames(result, call)) {
      if (gone) return;
      if (frame.token) {
        if (fault?.kind === 'stall') return;
        if (fault?.kind === 'cut' && tokens >= fault.afterTokens) {
          res.destroy();
          return;
        }
        if (fault?.kind === 'garble' && tokens >= fault.afterTokens) {
          res.end(protocol.garbled);
          return;
        }
        const wait = tokens === 0 ? b.ttftMs : b.tokensPerSecond ? 1000 / b.tokensPerSecond : 0;
        if (wait) await sleep(wait);
        tokens++;
      }
      if (gone) return;
      // Wait until the frame is handed to the socket, so a cut that follows drops nothing already sent.
      await new Promise<void>((resolve) => res.write(frame.data, () => resolve()));
    }
    res.end();
    s.completed++;
  }

  function control(path: string, method: string, raw: Buffer, res: ServerResponse): void {
    if (path === '/_sim/reset' && method === 'POST') {
      behaviours.clear();
      stats.clear();
      caches.clear();
      return sendJson(res, 200, { ok: true });
    }
    if (path === '/_sim/config' && method === 'POST') {
      const input = JSON.parse(raw.toString('utf8') || '{}') as Partial<SimBehaviour> & { instance?: string };
      const { instance, ...patch } = input;
      if (!instance) return sendJson(res, 400, { error: { message: 'instance is required' } });
      configure(instance, patch);
      return sendJson(res, 200, behaviour(instance));
    }
    if (path.startsWith('/_sim/stats') && method === 'GET') {
      return sendJson(res, 200, Object.fromEntries(stats));
    }
    sendJson(res, 404, { error: { message: 'unknown control endpoint' } });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    configure,
    reset: () => {
      behaviours.clear();
      stats.clear();
      caches.clear();
    },
    stats: statsOf,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
