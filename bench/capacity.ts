// Figure 7: DynamoDB capacity per request as DynamoDB counts it (ConsumedCapacity), on one key with 1, 50
// and 500 streams open, refused requests, and how the writes spread over items; then the hot-item model:
// the counted writes per item and per partition key, replayed at a key's 10,000 and 100,000 requests per
// minute, against DynamoDB's per-partition limits (1,000 write and 3,000 read units a second).
import { request } from 'node:http';
import type { Child } from './children';
import type { GatewayMetrics } from './gateway-child';
import { agentFor, send, type Target } from './load';
import type { GatewayReady } from './phases';

/** DynamoDB's throughput per partition key (and so per item). */
export const PARTITION_WCU_PER_S = 1_000;
export const PARTITION_RCU_PER_S = 3_000;
const MEASURED = 100;
/** Requests on the sharded key: about 100 per shard, see the sharded step. */
const SHARD_SAMPLE = 700;

interface BenchKey {
  secret: string;
  keyId: string;
  accountId: string;
}

export interface CapacityStep {
  streams: number;
  /** Per admitted request, on the request path (admission and settlement), as DynamoDB counted them. */
  writeUnits: number;
  readUnits: number;
  /** The usage aggregator's units per request (off the request path). */
  aggregatorWriteUnits: number;
  aggregatorReadUnits: number;
  aggregatorBatchesPerRequest: number;
  aggregatorMsPerRequest: number;
  /** Writes per request by item role: the key's counter item(s), anything else. */
  perItem: Record<string, number>;
}

export interface HotItemRow {
  scenario: string;
  item: string;
  wcuPerS: number;
  rcuPerS: number;
}

export interface CapacityResult {
  steps: CapacityStep[];
  refused: { writeUnits: number; readUnits: number };
  sharded: { shards: number; writesPerShard: number[]; writeUnitsPerRequest: number };
  hot: HotItemRow[];
  renewalsPerStreamPerS: number;
}

const units = (counts: Record<string, number>, kind: 'wcu' | 'rcu') => Object.entries(counts).reduce((s, [k, v]) => (k.startsWith(`${kind}.`) ? s + v : s), 0);

async function simConfig(simulatorUrl: string, body: object): Promise<void> {
  await fetch(`${simulatorUrl}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** A stream that stays open: resolves `started` at its first content, `ended` when it is read to the end. */
function holder(baseUrl: string, secret: string): { started: Promise<void>; ended: Promise<void> } {
  let started!: () => void;
  const startedP = new Promise<void>((r) => (started = r));
  const ended = new Promise<void>((resolve) => {
    const body = JSON.stringify({ model: 'claude-haiku-4.5', stream: true, messages: [{ role: 'user', content: 'Hold this stream open for the capacity benchmark please' }] });
    const req = request(`${baseUrl}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.on('data', (c: Buffer) => {
        if (/"content":"[^"]/.test(c.toString('utf8'))) started();
      });
      res.on('end', () => {
        started();
        resolve();
      });
      res.on('error', () => resolve());
    });
    req.on('error', () => {
      started();
      resolve();
    });
    req.end(body);
  });
  return { started: startedP, ended };
}

const ask = (baseUrl: string, secret: string): Target => ({
  url: `${baseUrl}/chat/completions`,
  headers: { authorization: `Bearer ${secret}` },
  body: JSON.stringify({ model: 'gpt-5-mini', max_tokens: 32, messages: [{ role: 'user', content: 'Say hello to the capacity benchmark' }] }),
});

async function sequentially(target: Target, count: number): Promise<number> {
  const agent = agentFor(1);
  let ok = 0;
  for (let i = 0; i < count; i++) if ((await send(target, agent)).ok) ok++;
  agent.destroy();
  return ok;
}

const settle = () => new Promise((r) => setTimeout(r, 300));

/**
 * Waits, if need be, for the next minute window (windows are epoch minutes on every instance), so that at
 * least `ms` of the current one remain: a series that must stay inside one window cannot straddle two.
 */
async function roomInMinute(ms: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((r) => setTimeout(r, left + 50));
}

/**
 * `gw` must run with a lease long enough that no renewal falls inside a measurement (renewals are counted
 * on their own below): OP_LEASE_MS of ten minutes.
 */
export async function capacity(gw: Child<GatewayReady>, upstreams: Child<unknown>, simulatorUrl: string, log: (l: string) => void): Promise<CapacityResult> {
  const { baseUrl } = gw.ready;
  const steps: CapacityStep[] = [];
  // Holders: anthropic paced at 2 tokens a second, so 499 streams stay open through the measurement.
  await simConfig(simulatorUrl, { instance: 'anthropic', ttftMs: 0, tokensPerSecond: 2 });
  for (const streams of [1, 50, 500]) {
    const key = await gw.ask<BenchKey>('key', { limits: { requestsPerMinute: 10_000, tokensPerMinute: 1_000_000_000, tokensPerMonth: null, concurrentRequests: 1_000 } });
    const holders = Array.from({ length: streams - 1 }, () => holder(baseUrl, key.secret));
    await Promise.all(holders.map((h) => h.started));
    await sequentially(ask(baseUrl, key.secret), 3);
    await settle();
    // Records still queued from earlier phases would otherwise be aggregated, and counted, during this one.
    await upstreams.ask('drain');
    await Promise.all([gw.ask('reset'), upstreams.ask('reset')]);
    const ok = await sequentially(ask(baseUrl, key.secret), MEASURED);
    if (ok !== MEASURED) throw new Error(`capacity at ${streams} streams: ${MEASURED - ok} requests failed`);
    await settle();
    const [m, agg] = await Promise.all([gw.ask<{ metrics: GatewayMetrics }>('metrics'), upstreams.ask<{ aggregator: { counts: Record<string, number>; batches: number; ms: number } }>('drain')]);
    const counts = m.metrics.counts;
    const perItem: Record<string, number> = {};
    for (const [pk, v] of Object.entries(m.metrics.items)) {
      const role = pk === `LIMITS#${key.keyId}` ? "the key's counter item" : pk.startsWith(`LIMITS#${key.keyId}#`) ? "the key's other shards" : pk.startsWith('LIMITS#') ? 'other keys' : pk.split('#')[0]!;
      perItem[role] = (perItem[role] ?? 0) + v.writes / MEASURED;
    }
    steps.push({
      streams,
      writeUnits: units(counts, 'wcu') / MEASURED,
      readUnits: units(counts, 'rcu') / MEASURED,
      aggregatorWriteUnits: units(agg.aggregator.counts, 'wcu') / MEASURED,
      aggregatorReadUnits: units(agg.aggregator.counts, 'rcu') / MEASURED,
      aggregatorBatchesPerRequest: agg.aggregator.batches / MEASURED,
      aggregatorMsPerRequest: agg.aggregator.ms / MEASURED,
      perItem,
    });
    log(`   ${streams} streams: ${steps.at(-1)!.writeUnits.toFixed(2)} WCU, ${steps.at(-1)!.readUnits.toFixed(2)} RCU per admitted request`);
    await Promise.all(holders.map((h) => h.ended));
  }
  await simConfig(simulatorUrl, { instance: 'anthropic', ttftMs: 0, tokensPerSecond: 0 });

  // Refused: a key with one request a minute; the first is admitted, the next 50 refused. All in one
  // minute window: one that began during the series would admit a request, whose writes are no refusal's.
  const tight = await gw.ask<BenchKey>('key', { limits: { requestsPerMinute: 1, tokensPerMinute: null, tokensPerMonth: null, concurrentRequests: null } });
  await roomInMinute(15_000);
  await sequentially(ask(baseUrl, tight.secret), 1);
  await settle();
  await gw.ask('reset');
  const refusedCount = 50 - (await sequentially(ask(baseUrl, tight.secret), 50));
  if (refusedCount !== 50) throw new Error(`the refused series admitted ${50 - refusedCount} of 50 requests: its figure would count their writes`);
  const rm = (await gw.ask<{ metrics: GatewayMetrics }>('metrics')).metrics;
  const refused = { writeUnits: units(rm.counts, 'wcu') / refusedCount, readUnits: units(rm.counts, 'rcu') / refusedCount };

  // Sharded: a key at 100,000 requests a minute spreads over shards, each its own partition key. A request
  // picks its shard at random, so the hottest shard of a sample overstates the real spread by the sample's
  // noise; 700 requests (about 100 per shard) keep that within about a fifth.
  const big = await gw.ask<BenchKey>('key', { limits: { requestsPerMinute: 100_000, tokensPerMinute: null, tokensPerMonth: null, concurrentRequests: 5_000 } });
  await gw.ask('reset');
  await sequentially(ask(baseUrl, big.secret), SHARD_SAMPLE);
  await settle();
  const sm = (await gw.ask<{ metrics: GatewayMetrics }>('metrics')).metrics;
  const shardItems = Object.entries(sm.items).filter(([pk]) => pk === `LIMITS#${big.keyId}` || pk.startsWith(`LIMITS#${big.keyId}#`)).map(([, v]) => v);
  const shardWrites = shardItems.map((v) => v.writes);
  const sharded = { shards: shardWrites.length, writesPerShard: shardWrites, writeUnitsPerRequest: units(sm.counts, 'wcu') / SHARD_SAMPLE };

  // The model: counted writes per request on the hottest item, times the key's rate, plus lease renewals
  // (one write per open stream per epoch: half a lease, 30 s by default) and the aggregator's share.
  const at500 = steps.find((s) => s.streams === 500)!;
  const renewalsPerStreamPerS = 1 / 30;
  const hot: HotItemRow[] = [];
  const onKeyItem = at500.perItem["the key's counter item"] ?? 0;
  for (const rpm of [10_000, 100_000]) {
    const rps = rpm / 60;
    hot.push({ scenario: `${rpm.toLocaleString('en-US')} RPM, 500 streams, one item (unsharded)`, item: `LIMITS#<key>`, wcuPerS: onKeyItem * rps + 500 * renewalsPerStreamPerS, rcuPerS: at500.readUnits * rps });
  }
  const hottestShard = Math.max(...shardWrites) / SHARD_SAMPLE;
  hot.push({
    scenario: `100,000 RPM, 500 streams, ${sharded.shards} shards (as deployed)`,
    item: 'hottest LIMITS#<key>#<shard>',
    wcuPerS: hottestShard * (100_000 / 60) + (500 / sharded.shards) * renewalsPerStreamPerS,
    rcuPerS: (Math.max(...shardItems.map((v) => v.reads)) / SHARD_SAMPLE) * (100_000 / 60),
  });
  hot.push({ scenario: '10,000 RPM: the account usage partition (aggregator)', item: 'ACCOUNT#<account>', wcuPerS: at500.aggregatorWriteUnits * (10_000 / 60), rcuPerS: at500.aggregatorReadUnits * (10_000 / 60) });
  return { steps, refused, sharded, hot, renewalsPerStreamPerS };
}
