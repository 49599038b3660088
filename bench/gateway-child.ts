// The gateway under measurement, alone in its process and bundled like the Lambda (esbuild, minified,
// `@aws-sdk/*` from node_modules, no TypeScript loader): the chat handler behind the local runtime's
// function URL front, and nothing else (DynamoDB and the simulator live in another process). It times
// every DynamoDB request and the CPU each HTTP request uses, so the runner can split the added latency
// into DynamoDB waits and the gateway's own CPU.
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../lambda/config';
import { createAccount, issueKey } from '../lambda/core/accounts';
import { systemClock } from '../lambda/core/clock';
import { installLambdaGlobals, PreludeDecoder, responseStreamTo } from '../lambda/local/lambda-stream';
import { functionUrlEventOf, lambdaContext, startLocalRuntime } from '../lambda/local/runtime';
import { ensureTables } from '../lambda/store/bootstrap';
import { DynamoHttp, isRead } from '../lambda/store/dynamo-http';
import { createTransport } from '../lambda/store/dynamo';
import { postJson, readJson } from '../lambda/providers/http';
import { writeResult } from '../lambda/handlers/http';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

interface RequestRecord {
  start: number;
  /** When the first body byte was written (streams: the first SSE event). */
  firstWrite?: number;
  end?: number;
  cpuStart: NodeJS.CpuUsage;
  cpuMs?: number;
  /** The user-space share of cpuMs: the system share is mostly the kernel's loopback work for both ends. */
  userMs?: number;
  /** The DynamoDB requests made on this request's behalf (its async context), not background work's. */
  own: Array<[number, number]>;
}

/** Which request, if any, a DynamoDB call is made for. */
const current = new AsyncLocalStorage<RequestRecord>();

let intervals: Array<[number, number]> = [];
/** Writes and reads of the per-request transport by partition key: how the load spreads over items. */
let items: Record<string, { writes: number; writeUnits: number; reads: number }> = {};
let records: RequestRecord[] = [];
let cpuAtReset = process.cpuUsage();

// Every DynamoDB request the store sends goes through DynamoHttp#send: time each one.
type Send = (...args: unknown[]) => Promise<unknown>;
for (const proto of [DynamoHttp.prototype] as unknown as Array<{ send: Send }>) {
  const originalSend = proto.send;
  proto.send = async function timedSend(this: unknown, ...args: unknown[]) {
    const began = performance.now();
    const [operation, input] = args as [unknown, { Key?: { pk?: { S?: string } } } | undefined];
    const pk = typeof operation === 'string' ? input?.Key?.pk?.S : undefined;
    const item = pk ? (items[pk] ??= { writes: 0, writeUnits: 0, reads: 0 }) : undefined;
    try {
      const out = (await originalSend.apply(this, args)) as { ConsumedCapacity?: { CapacityUnits?: number } } | undefined;
      if (item && isRead(String(operation))) item.reads++;
      else if (item) {
        item.writes++;
        item.writeUnits += out?.ConsumedCapacity?.CapacityUnits ?? 0;
      }
      return out;
    } catch (err) {
      // A refused condition is a write all the same, charged by the item's size (at least one unit).
      if (item && !isRead(String(operation))) {
        item.writes++;
        item.writeUnits += 1;
      }
      throw err;
    } finally {
      const interval: [number, number] = [began, performance.now()];
      intervals.push(interval);
      current.getStore()?.own.push(interval);
    }
  };
}

const config = loadConfig({
  OP_DYNAMODB_ENDPOINT: process.env.BENCH_DYNAMO_ENDPOINT,
  OP_SIMULATOR_URL: process.env.BENCH_SIMULATOR_URL,
  ...(process.env.OP_LIMITS ? { OP_LIMITS: process.env.OP_LIMITS } : {}),
  ...(process.env.OP_LEASE_MS ? { OP_LEASE_MS: process.env.OP_LEASE_MS } : {}),
});
await ensureTables(config);
installLambdaGlobals();
// Loaded after the globals exist: the handler module calls awslambda.streamifyResponse as it loads.
const { createDeps } = await import('../lambda/handlers/deps');
const { createChatHandler } = await import('../lambda/handlers/chat-handler');
const deps = await createDeps(config, systemClock);
const account = await createAccount(deps.store.keys, { name: 'Benchmark', plan: 'enterprise' }, systemClock);
const { secret } = await issueKey(deps.store.keys, account.accountId, { label: 'bench' }, systemClock);
const chat = createChatHandler(async () => deps);
const runtime = await startLocalRuntime({ host: '127.0.0.1', chat });

/**
 * The floor of the gateway's share, measured the same way: what any gateway that meters in DynamoDB and
 * proxies the provider spends here at the least, none of the gateway's logic. The body parsed, one
 * conditional counter write (admission's shape, on the same transport), the same upstream call on the
 * same client, the provider's answer written back through the same edge.
 */
const floorStore = createTransport(config);
const neverAborted = new AbortController().signal;
const floor = awslambda.streamifyResponse<LambdaFunctionURLEvent>(async (event, responseStream, context) => {
  const request = JSON.parse(Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8')) as object;
  await floorStore.send('UpdateItem', {
    TableName: config.tables.counters,
    Key: { pk: { S: 'BENCH#floor' }, sk: { S: 'KEY' } },
    UpdateExpression: 'ADD n :one',
    ConditionExpression: 'attribute_not_exists(n) OR n < :max',
    ExpressionAttributeValues: { ':one': { N: '1' }, ':max': { N: '1000000000000' } },
    ReturnValues: 'ALL_NEW',
  });
  const url = `${process.env.BENCH_SIMULATOR_URL}/deepseek/chat/completions`;
  const answer = await postJson({ url, headers: { authorization: 'Bearer sim' }, body: request, signal: neverAborted, provider: 'deepseek' });
  const body = await readJson<object>(answer, neverAborted, 'deepseek');
  await writeResult(responseStream, { kind: 'json', status: 200, headers: {}, body }, context.awsRequestId);
});

runtime.server.prependListener('request', (_req, res) => {
  const record: RequestRecord = { start: performance.now(), cpuStart: process.cpuUsage(), own: [] };
  records.push(record);
  // The handler's listener runs next, in this context: its DynamoDB calls are this request's.
  current.enterWith(record);
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  res.write = ((...args: unknown[]) => {
    record.firstWrite ??= performance.now();
    return write(...args);
  }) as typeof res.write;
  res.once('finish', () => {
    record.end = performance.now();
    const cpu = process.cpuUsage(record.cpuStart);
    record.cpuMs = (cpu.user + cpu.system) / 1000;
    record.userMs = cpu.user / 1000;
  });
});

/**
 * Sequential DynamoDB rounds the request made within [from, to]: requests in flight together count as one
 * round. Only its own calls count: not the previous request's settlement nor a background refresh.
 */
function roundsWithin(own: Array<[number, number]>, from: number, to: number): number {
  return merge(own.filter(([a]) => a >= from && a < to)).length;
}

/** Total time inside [from, to] during which at least one DynamoDB request was in flight. */
function busyWithin(merged: Array<[number, number]>, from: number, to: number): number {
  let busy = 0;
  for (const [a, b] of merged) busy += Math.max(0, Math.min(b, to) - Math.max(a, from));
  return busy;
}

function merge(list: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...list].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function memory(): { rssMb: number; peakRssMb: number; heapTotalMb: number; heapUsedMb: number; externalMb: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const mu = process.memoryUsage();
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, heapTotalMb: mu.heapTotal / 2 ** 20, heapUsedMb: mu.heapUsed / 2 ** 20, externalMb: mu.external / 2 ** 20 };
}

function metrics() {
  const merged = merge(intervals);
  const done = records.filter((r) => r.end !== undefined);
  const cpu = process.cpuUsage(cpuAtReset);
  return {
    requests: done.length,
    wallMs: done.map((r) => (r.end as number) - r.start),
    cpuMs: done.map((r) => r.cpuMs as number),
    userCpuMs: done.map((r) => r.userMs as number),
    dynamoWaitMs: done.map((r) => busyWithin(merged, r.start, r.end as number)),
    /** DynamoDB rounds between the request's arrival and its first body byte (admission's share). */
    roundsBeforeFirstByte: done.map((r) => roundsWithin(r.own, r.start, r.firstWrite ?? (r.end as number))),
    dynamoWaitBeforeFirstByteMs: done.map((r) => busyWithin(merged, r.start, r.firstWrite ?? (r.end as number))),
    dynamoCalls: intervals.length,
    dynamoBusyMs: busyWithin(merged, -Infinity, Infinity),
    processCpuMs: (cpu.user + cpu.system) / 1000,
    counts: deps.store.requests?.snapshot() ?? {},
    items,
    ...memory(),
  };
}

export type GatewayMetrics = ReturnType<typeof metrics>;

/** A function URL event as Lambda hands it over (built before the clock starts: the runtime client builds it). */
const invocationEvent = (body: string) =>
  functionUrlEventOf({
    method: 'POST',
    path: '/v1/chat/completions',
    query: '',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', host: 'bench.lambda-url.local', 'user-agent': 'bench' },
    sourceIp: '127.0.0.1',
    body: Buffer.from(body),
  });

/**
 * The gateway's own share of a request: the handler invoked as the runtime client invokes it (an event in,
 * the response stream out, no HTTP front), one at a time with a pause between, so each figure is its own.
 * CPU from the call to the stream's end, and to the handler's return (the settlement after the last byte
 * included); the first body byte is the first after the prelude.
 */
async function directSeries(count: number, body: string, pauseMs: number, handler: typeof chat) {
  // Off while the handler runs alone: an enabled AsyncLocalStorage puts a hook on every promise of the
  // process, which the function in Lambda does not carry (its runtime client keeps the invocation context
  // in a plain field unless the function runs several invocations at once). The next HTTP request turns it
  // on again.
  current.disable();
  const out = { cpuMs: [] as number[], wholeCpuMs: [] as number[], firstByteMs: [] as number[], dynamoBeforeFirstByteMs: [] as number[], totalMs: [] as number[], statuses: [] as number[] };
  for (let i = 0; i < count; i++) {
    const event = invocationEvent(body);
    intervals = [];
    let ended!: () => void;
    const done = new Promise<void>((resolve) => (ended = resolve));
    // The bytes as the runtime client hands them on, with when each was written; decoded after the clock
    // stops: reading the prelude back is the function URL front's work, not the function's.
    const written: Array<{ bytes: Buffer; at: number }> = [];
    const stream = responseStreamTo({ write: (bytes, cb) => (written.push({ bytes, at: performance.now() }), cb()), end: () => ended() });
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const invoked = handler(event, stream as never, lambdaContext('op-chat'));
    await done;
    const end = performance.now();
    const cpu = process.cpuUsage(cpuStart);
    await invoked;
    const whole = process.cpuUsage(cpuStart);
    let first: number | undefined;
    let at = 0;
    const decoder = new PreludeDecoder((prelude) => out.statuses.push(prelude.statusCode), () => (first ??= at));
    for (const chunk of written) {
      at = chunk.at;
      decoder.write(chunk.bytes);
    }
    out.wholeCpuMs.push((whole.user + whole.system) / 1000);
    out.cpuMs.push((cpu.user + cpu.system) / 1000);
    out.totalMs.push(end - start);
    out.firstByteMs.push((first ?? end) - start);
    out.dynamoBeforeFirstByteMs.push(busyWithin(merge(intervals), start, first ?? end));
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    else await new Promise((r) => setImmediate(r));
  }
  return out;
}
export type DirectSeries = Awaited<ReturnType<typeof directSeries>>;

process.on('message', (m: { kind: string; id?: number; limits?: Record<string, number | null>; count?: number; body?: string; pauseMs?: number; floor?: boolean }) => {
  if (m.kind === 'direct') {
    void directSeries(m.count ?? 100, m.body ?? '', m.pauseMs ?? 25, m.floor ? floor : chat).then((series) => process.send?.({ kind: 'direct', id: m.id, series }));
  } else if (m.kind === 'key') {
    // A key of its own with the limits asked for (an enterprise account's custom limits).
    void (async () => {
      const own = await createAccount(deps.store.keys, { name: 'Benchmark key', plan: 'enterprise' }, systemClock);
      await deps.store.keys.putAccount({ ...own, customLimits: m.limits ?? {} });
      const issued = await issueKey(deps.store.keys, own.accountId, { label: 'bench' }, systemClock);
      process.send?.({ kind: 'key', id: m.id, secret: issued.secret, keyId: issued.record.keyId, accountId: own.accountId });
    })();
  } else if (m.kind === 'reset') {
    intervals = [];
    records = [];
    items = {};
    cpuAtReset = process.cpuUsage();
    deps.store.requests?.reset();
    process.send?.({ kind: 'reset', id: m.id });
  } else if (m.kind === 'metrics') {
    process.send?.({ kind: 'metrics', id: m.id, metrics: metrics() });
  } else if (m.kind === 'stop') {
    void runtime.close().then(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ kind: 'ready', baseUrl: `${runtime.url}/v1`, apiKey: secret, pid: process.pid });
