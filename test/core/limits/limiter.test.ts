// The limiter's shape of work, against an in-memory store that records what it is asked: admission is one
// round of parallel updates, a refusal undoes what went through, a store failure is reported as such
// after undoing what it can.
import { describe, expect, it } from 'vitest';
import { Limiter, type AdmitInput } from '../../../lambda/core/limits/limiter';
import type { AddResult, CounterAdd, CounterValues, LimitStore } from '../../../lambda/core/limits/port';
import { windowsAt } from '../../../lambda/core/limits/windows';

class RecordingStore implements LimitStore {
  inFlight = 0;
  maxInFlight = 0;
  calls: string[] = [];
  counts = new Map<string, number>();
  leases = new Set<string>();
  constructor(private readonly failOn?: string) {}

  private async step<T>(name: string, run: () => T): Promise<T> {
    this.calls.push(name);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 5));
    this.inFlight--;
    if (name === this.failOn) throw new Error('store unreachable');
    return run();
  }
  add(_keyId: string, op: CounterAdd): Promise<AddResult> {
    return this.step(`add ${op.kind} ${op.amount}`, () => {
      const now = this.counts.get(op.kind) ?? 0;
      if (op.ceiling !== undefined && now > op.ceiling) return { ok: false } as const;
      this.counts.set(op.kind, now + op.amount);
      return { ok: true, value: now + op.amount } as const;
    });
  }
  acquireLease(_keyId: string, leaseId: string, _expiresAt: number, limit: number) {
    return this.step('acquire', () => {
      if (this.leases.size >= limit) return { ok: false } as const;
      this.leases.add(leaseId);
      return { ok: true, active: this.leases.size } as const;
    });
  }
  renewLease() {
    return this.step('renew', () => true);
  }
  releaseLease(_keyId: string, leaseId: string) {
    return this.step('release', () => this.leases.delete(leaseId));
  }
  reclaimExpiredLeases() {
    return this.step('reclaim', () => false);
  }
  read(): Promise<CounterValues> {
    return this.step('read', () => ({ requestsMinute: 0, tokensMinute: 0, tokensMonth: 0, active: 0 }));
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
  it('admits with one round of four updates issued together, and nothing else', async () => {
    const store = new RecordingStore();
    const outcome = await new Limiter(store).admit(input({}));
    expect(outcome.admitted).toBe(true);
    expect(store.calls.sort()).toEqual(['acquire', 'add requests-minute 1', 'add tokens-minute 300', 'add tokens-month 300']);
    expect(store.maxInFlight).toBe(4);
  });

  it('skips the counters of unlimited dimensions', async () => {
    const store = new RecordingStore();
    await new Limiter(store).admit(input({ requestsPerMinute: null, tokensPerMonth: null, concurrentRequests: null }));
    expect(store.calls).toEqual(['add tokens-minute 300']);
  });

  it('undoes the updates that went through when one limit refuses', async () => {
    const store = new RecordingStore();
    store.counts.set('tokens-month', 9_800);
    const outcome = await new Limiter(store).admit(input({}));
    expect(outcome).toEqual({ admitted: false, limit: 'tokensPerMonth', tooLarge: false });
    expect(store.counts.get('requests-minute')).toBe(0);
    expect(store.counts.get('tokens-minute')).toBe(0);
    expect(store.leases.size).toBe(0);
  });

  it('reports a store failure (after undoing what it could), never an admission', async () => {
    const store = new RecordingStore('acquire');
    await expect(new Limiter(store).admit(input({}))).rejects.toThrow('store unreachable');
    expect(store.counts.get('requests-minute')).toBe(0);
    expect(store.counts.get('tokens-minute')).toBe(0);
  });
});
