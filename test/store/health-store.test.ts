// Provider health in DynamoDB (dynalite): counts from several writers add up, windows roll over, phase
// changes are compare-and-set on the version, and two monitors on one table agree on the breaker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config';
import { MODELS, findModel } from '../helpers/catalog';
import { type ModelSpec } from '../../lambda/core/catalog';
import { ManualClock } from '../../lambda/core/clock';
import type { Target } from '../../lambda/core/fallback';
import { CLOSED, DEFAULT_POLICY, claimed, opened, windowOf } from '../../lambda/core/health/breaker';
import { HealthMonitor } from '../../lambda/core/health/monitor';
import type { HealthCounts } from '../../lambda/core/health/store';
import { UpstreamError } from '../../lambda/wire/errors';
import type { Provider } from '../../lambda/providers/provider';
import { startDynalite, type LocalDynamo } from '../../lambda/local/dynalite';
import { ensureTables } from '../../lambda/store/bootstrap';
import { createDocumentClient } from '../../lambda/store/dynamo';
import { DynamoHealthStore } from '../../lambda/store/health-store';

let dynamo: LocalDynamo;
let store: DynamoHealthStore;
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const WIN = windowOf(NOW, DEFAULT_POLICY);
let seq = 0;
const route = () => `anthropic#model-${seq++}`;
const counts = (c: Partial<HealthCounts>): HealthCounts => ({ windowStart: WIN, calls: 0, failures: 0, trailing: 0, sawSuccess: false, ...c });

beforeAll(async () => {
  dynamo = await startDynalite();
  const config = loadConfig({ OP_DYNAMODB_ENDPOINT: dynamo.endpoint });
  await ensureTables(config);
  store = new DynamoHealthStore(createDocumentClient(config), config.tables.counters);
});
afterAll(async () => {
  await dynamo?.close();
});

describe('DynamoHealthStore', () => {
  it('reads a route nobody wrote as closed and absent', async () => {
    const r = route();
    expect((await store.load([r])).has(r)).toBe(false);
  });

  it('adds concurrent counts without losing any, and carries the failure run', async () => {
    const r = route();
    await Promise.all(Array.from({ length: 10 }, () => store.add(r, counts({ calls: 2, failures: 1, trailing: 1 }), undefined, NOW)));
    const rec = (await store.load([r])).get(r);
    expect(rec?.breaker).toMatchObject({ phase: 'closed', version: 0, windowStart: WIN, calls: 20, failures: 10, consecutive: 10 });
    // A success resets the run to the failures after it.
    const after = await store.add(r, counts({ calls: 3, failures: 1, trailing: 1, sawSuccess: true }), undefined, NOW);
    expect(after.breaker).toMatchObject({ calls: 23, failures: 11, consecutive: 1 });
  });

  it('starts a new window for newer counts and ignores the counts of a passed one', async () => {
    const r = route();
    await store.add(r, counts({ calls: 5, failures: 5, trailing: 5 }), undefined, NOW);
    const next = WIN + DEFAULT_POLICY.windowMs;
    const rolled = await store.add(r, counts({ windowStart: next, calls: 1, failures: 1, trailing: 1 }), undefined, NOW);
    expect(rolled.breaker).toMatchObject({ windowStart: next, calls: 1, failures: 1, consecutive: 6 });
    const late = await store.add(r, counts({ calls: 4, failures: 4, trailing: 4 }), undefined, NOW);
    expect(late.breaker).toMatchObject({ windowStart: next, calls: 1, failures: 1, consecutive: 10 });
  });

  it('stores the latency average with the counts', async () => {
    const r = route();
    const rec = await store.add(r, counts({ calls: 1 }), { ttftMs: 120, msPerToken: 4, at: NOW }, NOW);
    expect(rec.latency).toEqual({ ttftMs: 120, msPerToken: 4, at: NOW });
    expect((await store.load([r])).get(r)?.latency).toEqual({ ttftMs: 120, msPerToken: 4, at: NOW });
  });

  it('lets exactly one of several concurrent phase changes win', async () => {
    const r = route();
    const open = opened(CLOSED, NOW, DEFAULT_POLICY);
    expect((await store.transition(r, 0, open, NOW)).won).toBe(true);
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((who) => store.transition(r, open.version, claimed(open, NOW + 30_000, who, DEFAULT_POLICY), NOW)),
    );
    expect(claims.filter((c) => c.won)).toHaveLength(1);
    const winner = claims.find((c) => c.won)?.record.breaker.probeOwner;
    for (const c of claims) expect(c.record.breaker).toMatchObject({ phase: 'half-open', version: 2, probeOwner: winner });
  });

  it('keeps counts when a phase change lands between them', async () => {
    const r = route();
    await store.add(r, counts({ calls: 1, failures: 1, trailing: 1 }), { ttftMs: 50, at: NOW }, NOW);
    await store.transition(r, 0, opened(CLOSED, NOW, DEFAULT_POLICY), NOW);
    const rec = (await store.load([r])).get(r);
    expect(rec?.breaker).toMatchObject({ phase: 'open', version: 1, calls: 0 });
    expect(rec?.latency?.ttftMs).toBe(50);
  });
});

describe('two monitors on one table', () => {
  const sonnet = findModel('claude-sonnet-4') as ModelSpec;
  const anthropic: Target = { model: sonnet, route: sonnet.routes[0] as Target['route'], provider: {} as Provider };
  const monitor = (clock: ManualClock) =>
    new HealthMonitor({ store, clock, models: MODELS, configured: () => true, cacheMs: 1_000, flushMs: 0, remeasureMs: 60_000 });

  it('share the breaker: one opens it, the other skips, one probe closes it for both', async () => {
    const clock = new ManualClock(NOW + 3_600_000);
    const a = monitor(clock);
    const b = monitor(clock);
    a.start();
    b.start();
    await Promise.all([a.settle(), b.settle()]);
    for (let i = 0; i < 5; i++) a.onResult(anthropic, { ok: false, error: new UpstreamError('x', 503), ms: 1 });
    await a.settle();
    expect(b.admit(anthropic)).toBe('call'); // cached: no read on the hot path
    clock.advance(1_000);
    b.admit(anthropic); // stale: a background read starts
    await b.settle();
    expect(b.admit(anthropic)).toBe('skip');

    clock.advance(30_000);
    const [fromA, fromB] = await Promise.all([a.lastResort(anthropic), b.lastResort(anthropic)]);
    expect([fromA, fromB].filter(Boolean)).toHaveLength(1);
    const prober = fromA ? a : b;
    const other = fromA ? b : a;
    prober.onResult(anthropic, { ok: true, ms: 1 });
    await prober.settle();
    clock.advance(1_000);
    other.admit(anthropic);
    await other.settle();
    expect(other.phase(anthropic.route)).toBe('closed');
  });
});
