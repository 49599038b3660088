// The load generator: plain node:http with keep-alive (cheaper per request than fetch, so the client
// disturbs the measurement less), closed loops at a fixed concurrency, open loops at a fixed rate, and
// time-to-first-token for streams. Every loop is bounded in count and time; targets are loopback only.
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Target {
  /** http://127.0.0.1:PORT/path/to/chat/completions */
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Sample {
  ok: boolean;
  status: number;
  /** Request sent to last byte, ms. */
  totalMs: number;
  /** Request sent to the first byte of content (streams: the first delta with text), ms. */
  firstTokenMs?: number;
}

function assertLoopback(url: URL): void {
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost' && url.hostname !== '[::1]') {
    throw new Error(`the benchmark only sends traffic to loopback, not ${url.hostname}`);
  }
}

export function agentFor(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets });
}

/** One request; streams are read to the end, noting when the first content arrived. */
export function send(target: Target, agent: Agent, timeoutMs = 30_000): Promise<Sample> {
  const url = new URL(target.url);
  assertLoopback(url);
  const began = performance.now();
  return new Promise<Sample>((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(target.body), ...target.headers } },
      (res) => {
        let firstTokenMs: number | undefined;
        res.on('data', (chunk: Buffer) => {
          // A streamed delta with text: `"content":"` followed by something other than an empty string.
          if (firstTokenMs === undefined && /"content":"[^"]/.test(chunk.toString('utf8'))) firstTokenMs = performance.now() - began;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ ok: status === 200, status, totalMs: performance.now() - began, firstTokenMs });
        });
        res.on('error', () => resolve({ ok: false, status: res.statusCode ?? 0, totalMs: performance.now() - began }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ ok: false, status: 0, totalMs: performance.now() - began }));
    req.end(target.body);
  });
}

/** `concurrency` workers each sending back to back, until `count` requests or `maxMs` have passed. */
export async function closedLoop(
  target: Target,
  concurrency: number,
  limits: { count?: number; maxMs: number; pauseMs?: number },
): Promise<{ samples: Sample[]; elapsedMs: number }> {
  const agent = agentFor(concurrency);
  const samples: Sample[] = [];
  const began = performance.now();
  let issued = 0;
  const worker = async () => {
    while (performance.now() - began < limits.maxMs && (limits.count === undefined || issued < limits.count)) {
      issued++;
      samples.push(await send(target, agent));
      if (limits.pauseMs) await sleep(limits.pauseMs);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - began;
  agent.destroy();
  return { samples, elapsedMs };
}

/** Requests started at a fixed rate whatever the answers do (an open loop), for `durationMs`. */
export async function openLoop(target: Target, ratePerSecond: number, durationMs: number): Promise<Sample[]> {
  const agent = agentFor(256);
  const pending: Array<Promise<Sample>> = [];
  const began = performance.now();
  const interval = 1000 / ratePerSecond;
  for (let i = 0; i * interval < durationMs; i++) {
    const due = began + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(send(target, agent));
  }
  const samples = await Promise.all(pending);
  agent.destroy();
  return samples;
}
