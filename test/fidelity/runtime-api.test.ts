// The Runtime API emulator with aws-lambda-ric and small functions of our own: one invocation at a time
// per environment, streamed bytes forwarded while the function still runs, buffered answers, and the
// failures Lambda has (init errors, errors before and after the response began, timeouts).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionDefinition, RuntimeClient } from '../../lambda/local/runtime-api/environment';
import { startLambdaFront } from '../../lambda/local/runtime-api/front';
import { PROJECT_ROOT } from '../../lambda/local/runtime-api/paths';
import { LambdaPool } from '../../lambda/local/runtime-api/pool';
import type { LocalRuntime } from '../../lambda/local/runtime';
import { prepareLambdaTier, TIER_SETUP_TIMEOUT_MS } from './lambda-tier';

const FUNCTIONS = fileURLToPath(new URL('./functions/', import.meta.url));
let client: RuntimeClient;
const running: Array<{ pool: LambdaPool; front: LocalRuntime }> = [];

beforeAll(async () => {
  const { ricEntry } = await prepareLambdaTier();
  client = { entry: ricEntry, nodePath: join(PROJECT_ROOT, 'node_modules') };
}, TIER_SETUP_TIMEOUT_MS);

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.front.close();
    await r.pool.close();
  }
});

async function serve(fn: string, size: number, patch: Partial<FunctionDefinition> = {}) {
  const definition: FunctionDefinition = {
    name: `test-${fn}`,
    taskRoot: join(FUNCTIONS, fn),
    handler: 'index.handler',
    memoryMb: 128,
    timeoutS: 30,
    runtime: 'nodejs24.x',
    environment: {},
    ...patch,
  };
  const pool = new LambdaPool(definition, client, { size });
  const front = await startLambdaFront({ chat: pool });
  running.push({ pool, front });
  return { pool, url: front.url };
}

const field = (line: string | undefined, name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(line ?? '')?.[1]);

describe('streaming through the runtime client', () => {
  it('forwards the first bytes while the function is still running, with the prelude as status and headers', async () => {
    const { url } = await serve('streams', 1);
    const res = await fetch(`${url}/x?hold=400`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-fn')).toBe('streams');
    expect(res.headers.get('content-type')).toBe('text/plain');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('\n')) text += decoder.decode((await reader.read()).value);
    const firstSeenAt = Date.now();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
    const [first, last] = text.trim().split('\n');
    expect(first).toMatch(/^first /);
    // The first line reached us before the function had even written its last one.
    expect(firstSeenAt).toBeLessThan(field(last, 'writtenAt'));
  });

  it('runs one invocation at a time per environment and starts more environments up to the pool size', async () => {
    const { pool, url } = await serve('streams', 2);
    const bodies = await Promise.all([0, 1, 2].map(() => fetch(`${url}/x?hold=300`).then((r) => r.text())));
    const runs = bodies.map((b) => {
      const [first, last] = b.trim().split('\n');
      return { pid: field(first, 'pid'), start: field(first, 'startedAt'), end: field(last, 'writtenAt') };
    });
    expect(new Set(runs.map((r) => r.pid)).size).toBe(2);
    expect(pool.stats.coldStarts).toBe(2);
    // Within one process, invocations never overlap.
    for (const a of runs) {
      for (const b of runs) {
        if (a !== b && a.pid === b.pid) expect(a.end <= b.start || b.end <= a.start).toBe(true);
      }
    }
  });
});

describe('buffered answers and failures', () => {
  it('turns a returned object into the HTTP response', async () => {
    const { url } = await serve('buffered', 1);
    const res = await fetch(`${url}/hello`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-fn')).toBe('buffered');
    expect(await res.json()).toEqual({ path: '/hello', method: 'POST' });
  });

  it('answers 502 when the handler throws before responding, and the environment serves the next request', async () => {
    const { pool, url } = await serve('fails', 1);
    const res = await fetch(`${url}/before`);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('server_error');
    expect(await (await fetch(`${url}/fine`)).text()).toBe('partial\ndone\n');
    expect(pool.stats.coldStarts).toBe(1);
  });

  it('cuts the connection when the handler throws after the response began', async () => {
    const { url } = await serve('fails', 1);
    const res = await fetch(`${url}/after`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('fails the invocation that waited on a failed init, and retries init on the next one', async () => {
    const { pool, url } = await serve('fails', 1, { environment: { FAIL_AT_INIT: '1' } });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${url}/fine`);
      expect(res.status).toBe(502);
    }
    expect(pool.stats.coldStarts).toBe(2);
    expect(pool.stats.failures).toBe(2);
  });

  it('times out at the function timeout and replaces the environment', async () => {
    const { pool, url } = await serve('fails', 1, { timeoutS: 1 });
    const before = pool.live[0]?.pid;
    const res = await fetch(`${url}/hang`);
    expect(res.status).toBe(502);
    expect(await (await fetch(`${url}/fine`)).text()).toBe('partial\ndone\n');
    expect(pool.stats.coldStarts).toBe(2);
    expect(pool.live[0]?.pid).not.toBe(before);
  });

  it('still ends a function at its timeout after its caller left', async () => {
    const { pool, url } = await serve('fails', 1, { timeoutS: 1 });
    await pool.warm(1);
    const first = pool.live[0]?.pid;
    const gone = new AbortController();
    const request = fetch(`${url}/hang`, { signal: gone.signal }).catch(() => undefined);
    await expect.poll(() => pool.live[0]?.state).toBe('busy');
    gone.abort();
    await request;
    // The environment was not given back while the function hung: it is replaced once the deadline passes.
    await expect.poll(() => pool.live.length, { timeout: 5_000 }).toBe(0);
    expect(await (await fetch(`${url}/fine`)).text()).toBe('partial\ndone\n');
    expect(pool.live[0]?.pid).not.toBe(first);
  });
});
