// The health monitor: breakers shared through a store, decided from memory, with a ManualClock.
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambda/wire/errors';
import { MODELS, findModel } from '../../helpers/catalog';
import { type ModelSpec } from '../../../lambda/core/catalog';
import { ManualClock } from '../../../lambda/core/clock';
import type { AttemptReport, Target } from '../../../lambda/core/fallback';
import { HealthMonitor, type HealthOptions } from '../../../lambda/core/health/monitor';
import { MemoryHealthStore, type HealthStore } from '../../../lambda/core/health/store';
import type { BreakerChange } from '../../../lambda/core/telemetry';
import type { Provider } from '../../../lambda/providers/provider';

const sonnet = findModel('claude-sonnet-4') as ModelSpec;
const target = (model: ModelSpec, i = 0): Target => ({ model, route: model.routes[i] as Route, provider: {} as Provider });
type Route = ModelSpec['routes'][number];
const anthropic = target(sonnet, 0);
const bedrock = target(sonnet, 1);

const fail = (status: number | 'timeout' = 503): AttemptReport => ({ ok: false, error: new UpstreamError('x', status), ms: 5 });
const ok: AttemptReport = { ok: true, ms: 5 };

function monitor(store: HealthStore, clock: ManualClock, extra: Partial<HealthOptions> = {}): HealthMonitor {
  return new HealthMonitor({
    store,
    clock,
    models: MODELS,
    configured: () => true,
    cacheMs: 3_000,
    flushMs: 0,
    remeasureMs: 60_000,
    ...extra,
  });
}

function failTimes(m: HealthMonitor, t: Target, n: number, status: number | 'timeout' = 503): void {
  for (let i = 0; i < n; i++) m.onResult(t, fail(status));
}

describe('HealthMonitor breaker', () => {
  it('opens a route after 5 consecutive provider failures and skips only that route', async () => {
    const clock = new ManualClock();
    const changes: BreakerChange[] = [];
    const m = monitor(new MemoryHealthStore(), clock, { onBreakerChange: (c) => changes.push(c) });
    failTimes(m, anthropic, 4);
    expect(m.admit(anthropic)).toBe('call');
    m.onResult(anthropic, fail('timeout'));
    expect(m.admit(anthropic)).toBe('skip');
    expect(m.admit(bedrock)).toBe('call');
    expect(changes).toEqual([
      { provider: 'anthropic', model: 'claude-sonnet-4', upstreamModel: 'claude-sonnet-4-20250514', from: 'closed', to: 'open', at: clock.now() },
    ]);
    await m.settle();
  });

  it('does not count failures the request caused (400, 413, 422)', () => {
    const m = monitor(new MemoryHealthStore(), new ManualClock());
    for (const status of [400, 413, 422, 400, 400, 400, 422]) m.onResult(anthropic, fail(status));
    expect(m.admit(anthropic)).toBe('call');
    failTimes(m, anthropic, 5, 429);
    expect(m.admit(anthropic)).toBe('skip');
  });

  it('after the cooldown, exactly one instance claims the probe; success closes the route for everyone', async () => {
    const clock = new ManualClock();
    const store = new MemoryHealthStore();
    const a = monitor(store, clock);
    const b = monitor(store, clock);
    failTimes(a, anthropic, 5);
    await a.settle();
    clock.advance(3_000);
    b.admit(bedrock); // notices its cache is stale: refreshes in the background
    await b.settle();
    expect(b.admit(anthropic)).toBe('skip');

    clock.advance(30_000);
    // Both see the cooldown over: each starts a claim and skips for now.
    expect(a.admit(anthropic)).toBe('last-resort');
    expect(b.admit(anthropic)).toBe('last-resort');
    await Promise.all([a.settle(), b.settle()]);
    const fromA = a.admit(anthropic);
    const fromB = b.admit(anthropic);
    expect([fromA, fromB].sort()).toEqual(['call', 'skip']);
    const [prober, other] = fromA === 'call' ? [a, b] : [b, a];
    // The holder sends one probe at a time.
    expect(prober.admit(anthropic)).toBe('skip');
    prober.onResult(anthropic, ok);
    expect(prober.phase(anthropic.route)).toBe('closed');
    expect(prober.admit(anthropic)).toBe('call');
    await prober.settle();
    clock.advance(3_000);
    other.admit(bedrock);
    await other.settle();
    expect(other.admit(anthropic)).toBe('call');
  });

  it('a failed probe opens the route for another cooldown', async () => {
    const clock = new ManualClock();
    const m = monitor(new MemoryHealthStore(), clock);
    failTimes(m, anthropic, 5);
    clock.advance(30_000);
    expect(await m.lastResort(anthropic)).toBe(true);
    expect(await m.lastResort(anthropic)).toBe(false); // the probe is already out
    m.onResult(anthropic, fail(500));
    expect(m.phase(anthropic.route)).toBe('open');
    expect(m.admit(anthropic)).toBe('skip');
    clock.advance(29_999);
    expect(m.admit(anthropic)).toBe('skip');
    clock.advance(1);
    expect(m.admit(anthropic)).toBe('last-resort');
    await m.settle();
  });

  it('keeps breaking and probing on its own when the store cannot be reached', async () => {
    const down: HealthStore = {
      load: () => Promise.reject(new Error('down')),
      add: () => Promise.reject(new Error('down')),
      transition: () => Promise.reject(new Error('down')),
    };
    const clock = new ManualClock();
    const m = monitor(down, clock);
    failTimes(m, anthropic, 5);
    await m.settle();
    expect(m.admit(anthropic)).toBe('skip');
    clock.advance(30_000);
    expect(await m.lastResort(anthropic)).toBe(true);
    m.onResult(anthropic, ok);
    expect(m.admit(anthropic)).toBe('call');
  });

  it('opens on the fleet-wide count: failures seen by two instances together', async () => {
    const clock = new ManualClock();
    const store = new MemoryHealthStore();
    const a = monitor(store, clock);
    const b = monitor(store, clock);
    failTimes(a, anthropic, 3);
    await a.settle();
    failTimes(b, anthropic, 2);
    await b.settle();
    // b's write came back with a's three failures: five in a row across the fleet.
    expect(b.admit(anthropic)).toBe('skip');
  });

  it('writes counts at most once per flush interval per instance', async () => {
    const clock = new ManualClock();
    const inner = new MemoryHealthStore();
    let adds = 0;
    const store: HealthStore = {
      load: (r) => inner.load(r),
      add: (...args) => {
        adds++;
        return inner.add(...args);
      },
      transition: (...args) => inner.transition(...args),
    };
    const m = monitor(store, clock, { flushMs: 3_000 });
    for (let i = 0; i < 20; i++) m.onResult(bedrock, ok);
    await m.settle();
    expect(adds).toBe(1); // the first result found no recent write
    clock.advance(3_000);
    await m.settle();
    expect(adds).toBe(2); // the other 19, together
    expect((await inner.load(['bedrock#us.anthropic.claude-sonnet-4-20250514-v1:0'])).values().next().value?.breaker.calls).toBe(20);
  });
});

describe('HealthMonitor latency', () => {
  const lite = findModel('gemini-2.5-flash-lite') as ModelSpec;
  const nova = findModel('nova-lite') as ModelSpec;

  it('reports measured TTFT and tokens per second for speed routing, catalog defaults before any data', () => {
    const clock = new ManualClock();
    const m = monitor(new MemoryHealthStore(), clock);
    expect(m.routingInputs().latency?.(lite)).toBeUndefined();
    m.onResult(target(lite), { ok: true, ms: 1_100, ttftMs: 100, completionTokens: 11 });
    expect(m.routingInputs().latency?.(lite)).toEqual({ ttftMs: 100, tokensPerSecond: 10 });
    // A rolling average: a slower call moves it by 30%.
    m.onResult(target(lite), { ok: true, ms: 1_100, ttftMs: 1_100, completionTokens: 1 });
    expect(m.routingInputs().latency?.(lite)?.ttftMs).toBeCloseTo(400);
  });

  it('offers a model with stale measurements for one re-measuring request per interval', () => {
    const clock = new ManualClock();
    const m = monitor(new MemoryHealthStore(), clock);
    m.onResult(target(nova), { ok: true, ms: 900, ttftMs: 900, completionTokens: 1 });
    const pick = () => m.routingInputs().remeasure?.([lite, nova]);
    expect(pick()).toBeUndefined(); // fresh data
    clock.advance(60_000);
    expect(pick()).toBe(nova);
    expect(pick()).toBeUndefined(); // once per interval
    // The re-measure replaces the stale average instead of blending with it.
    m.onResult(target(nova), { ok: true, ms: 20, ttftMs: 20, completionTokens: 1 });
    expect(m.routingInputs().latency?.(nova)?.ttftMs).toBe(20);
  });

  it('shares latency through the store', async () => {
    const clock = new ManualClock();
    const store = new MemoryHealthStore();
    const a = monitor(store, clock);
    const b = monitor(store, clock);
    a.onResult(target(lite), { ok: true, ms: 300, ttftMs: 300, completionTokens: 1 });
    await a.settle();
    clock.advance(3_000);
    b.routingInputs();
    await b.settle();
    expect(b.routingInputs().latency?.(lite)?.ttftMs).toBe(300);
  });
});
