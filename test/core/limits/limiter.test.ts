// The limiter's shape of work, against an in-memory store that records what it is asked: admission is one
// round of parallel updates (one per item), a refusal undoes what went through and names the limit, a
// store failure is reported as such after undoing what it can, settlement is one update per item.
import { describe, expect, it } from 'vitest';
import { Limiter, type AdmitInput } from '../../../lambda/core/limits/limiter';
import type { ChargeResult, CounterValues, KeyCharge, KeySettlement, LimitStore, MinuteAdjustment, MinuteCharge } from '../../../lambda/core/limits/port';
import { windowsAt } from '../../../lambda/core/limits/windows';

/** Each call is one update on one item: all of its counters land, or none do. */
class RecordingStore implements LimitStore {
  inFlight = 0;
  maxInFlight = 0;
  calls: string[] = [];
  counts = new Map<string, number>();
  leases = new Set<string>();
  /** What reclaiming reports: expired leases were found (freeing them is not modelled). */
  expired = false;
  constructor(private readonly failOn?: string) {}

  private async step<T>(name: string, run: () => T): Promise<T> {
    this.calls.push(name);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 5));
    this.inFlight--;
    if (name.startsWith(this.failOn ?? '\0')) throw new Error('store unreachable');
    return run();
  }
  value(counter: string): number {
    return this.counts.get(counter) ?? 0;
  }
  private add(counter: string, amount: number): number {
    this.counts.set(counter, this.value(counter) + amount);
    return this.value(counter);
  }
  chargeMinute(_keyId: string, c: MinuteCharge): Promise<ChargeResult<{ requests: number; tokens: number }>> {
    const what = [c.requests && `requests ${c.requests.amount}`, c.tokens && `tokens ${c.tokens.amount}`].filter(Boolean).join(' ');
    return this.step(`charge minute ${what}`, () => {
      if ((c.requests && this.value('requests-minute') > c.requests.ceiling) || (c.tokens && this.value('tokens-minute') > c.tokens.ceiling)) return { ok: false } as const;
      return { ok: true, values: { requests: this.add('requests-minute', c.requests?.amount ?? 0), tokens: this.add('tokens-minute', c.tokens?.amount ?? 0) } } as const;
    });
  }
  chargeKey(_keyId: string, c: KeyCharge): Promise<ChargeResult<{ active: number; tokensMonth: number }>> {
    const what = [c.lease && 'lease', c.month && `month ${c.month.amount}`].filter(Boolean).join(' ');
    return this.step(`charge key ${what}`, () => {
      if ((c.lease && this.leases.size >= c.lease.limit) || (c.month && this.value('tokens-month') > c.month.ceiling)) return { ok: false } as const;
      if (c.lease) this.leases.add(c.lease.id);
      return { ok: true, values: { active: this.leases.size, tokensMonth: this.add('tokens-month', c.month?.amount ?? 0) } } as const;
    });
  }
  adjustMinute(_keyId: string, a: MinuteAdjustment): Promise<void> {
    return this.step(`adjust minute ${[a.requests, a.tokens].filter((x) => x !== undefined).join(' ')}`, () => {
      this.add('requests-minute', a.requests ?? 0);
      this.add('tokens-minute', a.tokens ?? 0);
    });
  }
  settleKey(_keyId: string, s: KeySettlement): Promise<boolean> {
    return this.step(`settle key ${[s.leaseId && 'lease', s.month && `month ${s.month.amount}`].filter(Boolean).join(' ')}`, () => {
      this.add('tokens-month', s.month?.amount ?? 0);
      return s.leaseId ? this.leases.delete(s.leaseId) : true;
    });
  }
  releaseLease(keyId: string, leaseId: string) {
    return this.settleKey(keyId, { leaseId });
  }
  renewLease() {
    return this.step('renew', () => true);
  }
  reclaimExpiredLeases() {
    return this.step('reclaim', () => ({ freed: this.expired, active: this.leases.size, tokensMonth: this.value('tokens-month') }));
  }
  read(): Promise<CounterValues> {
    return this.step('read', () => ({
      requestsMinute: this.value('requests-minute'),
      tokensMinute: this.value('tokens-minute'),
      tokensMonth: this.value('tokens-month'),
      active: this.leases.size,
    }));
  }
}

const NOW = Date.UTC(2026, 0, 15, 12);
const input = (limits: Partial<AdmitInput['limits']>): AdmitInput => ({
  keyId: 'key_1',
  limits: { requestsPerMinute: 10, tokensPerMinute: 1_000, tokensPerMonth: 10_000, concurrentRequests: 2, maxTokensPerRequest: null, ...limits },
  reserved: 300,
  leaseId: 'req-1',
  leaseExpiresAt: NOW + 60_000,
  windows: windowsAt(NOW),
  now: NOW,
});

describe('Limiter', () => {
  it('admits with one round of two updates issued together (one per item), and nothing else', async () => {
    const store = new RecordingStore();
    const outcome = await new Limiter(store).admit(input({}));
    expect(outcome.admitted).toBe(true);
    expect(store.calls.sort()).toEqual(['charge key lease month 300', 'charge minute requests 1 tokens 300']);
    expect(store.maxInFlight).toBe(2);
  });

  it('skips the counters of unlimited dimensions, and an item none of whose limits is set', async () => {
    const store = new RecordingStore();
    await new Limiter(store).admit(input({ requestsPerMinute: null, tokensPerMonth: null, concurrentRequests: null }));
    expect(store.calls).toEqual(['charge minute tokens 300']);
    const keyOnly = new RecordingStore();
    await new Limiter(keyOnly).admit(input({ requestsPerMinute: null, tokensPerMinute: null, concurrentRequests: null }));
    expect(keyOnly.calls).toEqual(['charge key month 300']);
  });

  it('undoes the updates that went through when one limit refuses, and names that limit', async () => {
    const store = new RecordingStore();
    store.counts.set('tokens-month', 9_800);
    const outcome = await new Limiter(store).admit(input({}));
    expect(outcome).toMatchObject({ admitted: false, limit: 'tokensPerMonth', tooLarge: false });
    expect(store.counts.get('requests-minute')).toBe(0);
    expect(store.counts.get('tokens-minute')).toBe(0);
    expect(store.leases.size).toBe(0);
    // The counters after the undo come back with the refusal, for the headers.
    expect(outcome.admitted === false && outcome.values).toEqual({ requestsMinute: 0, tokensMinute: 0, tokensMonth: 9_800, active: 0 });
  });

  it.each([
    ['requestsPerMinute', 'requests-minute', 10],
    ['tokensPerMinute', 'tokens-minute', 800],
  ] as const)('tells which limit of the minute item refused (%s)', async (limit, counter, value) => {
    const store = new RecordingStore();
    store.counts.set(counter, value);
    expect(await new Limiter(store).admit(input({}))).toMatchObject({ admitted: false, limit });
    expect(store.leases.size).toBe(0);
  });

  it('tells full concurrency from a full month on the key item, and retries only when leases expired and concurrency is what is full', async () => {
    const full = new RecordingStore();
    full.expired = true;
    full.leases.add('other-1').add('other-2');
    expect(await new Limiter(full).admit(input({}))).toMatchObject({ admitted: false, limit: 'concurrentRequests' });
    expect(full.calls.filter((c) => c.startsWith('charge key'))).toHaveLength(2);
    expect(full.value('tokens-month')).toBe(0);

    const spent = new RecordingStore();
    spent.expired = true;
    spent.counts.set('tokens-month', 9_800);
    expect(await new Limiter(spent).admit(input({}))).toMatchObject({ admitted: false, limit: 'tokensPerMonth' });
    expect(spent.calls.filter((c) => c.startsWith('charge key'))).toHaveLength(1);
    expect(spent.leases.size).toBe(0);
  });

  it('settles with one update per item: the lease and the month tokens together', async () => {
    const store = new RecordingStore();
    const outcome = await new Limiter(store).admit(input({}));
    if (!outcome.admitted) throw new Error('not admitted');
    store.calls = [];
    await new Limiter(store).settle(outcome.ticket, 120);
    expect(store.calls.sort()).toEqual(['adjust minute -180', 'settle key lease month -180']);
    expect([store.counts.get('tokens-minute'), store.counts.get('tokens-month'), store.leases.size]).toEqual([120, 120, 0]);
  });

  it('reports a store failure (after undoing what it could), never an admission', async () => {
    const store = new RecordingStore('charge key');
    await expect(new Limiter(store).admit(input({}))).rejects.toThrow('store unreachable');
    expect(store.counts.get('requests-minute')).toBe(0);
    expect(store.counts.get('tokens-minute')).toBe(0);
  });
});
