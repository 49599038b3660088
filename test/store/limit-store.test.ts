// The limiter and its DynamoDB counters against dynalite: conditional updates admit exactly up to each
// limit under concurrency, refusals leave no trace, and concurrency leases are released and reclaimed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config';
import { newKeyId } from '../../lambda/core/ids';
import { Limiter, type AdmitInput } from '../../lambda/core/limits/limiter';
import { windowsAt } from '../../lambda/core/limits/windows';
import type { Limits } from '../../lambda/core/plans';
import type { Store } from '../../lambda/core/records';
import { startDynalite, type LocalDynamo } from '../../lambda/local/dynalite';
import { ensureTables } from '../../lambda/store/bootstrap';
import { createStore } from '../../lambda/store/dynamo';

let dynamo: LocalDynamo;
let store: Store;
let limiter: Limiter;

beforeAll(async () => {
  dynamo = await startDynalite();
  const config = loadConfig({ OP_DYNAMODB_ENDPOINT: dynamo.endpoint });
  await ensureTables(config);
  store = createStore(config);
  limiter = new Limiter(store.limits);
});
afterAll(async () => {
  await dynamo?.close();
});

const NOW = Date.UTC(2026, 0, 15, 12, 0, 30);
const OPEN: Limits = { requestsPerMinute: null, tokensPerMinute: null, tokensPerMonth: null, concurrentRequests: null, maxTokensPerRequest: null };
let seq = 0;
const input = (keyId: string, limits: Partial<Limits>, reserved = 100, now = NOW): AdmitInput => ({
  keyId,
  limits: { ...OPEN, ...limits },
  reserved,
  leaseId: `req-${seq++}`,
  leaseExpiresAt: now + 60_000,
  windows: windowsAt(now),
  now,
});

describe('admission', () => {
  it.each([
    ['requests per minute', { requestsPerMinute: 7 }],
    ['tokens per minute', { tokensPerMinute: 7 * 100 + 99 }],
    ['tokens per month', { tokensPerMonth: 7 * 100 }],
    ['concurrent requests', { concurrentRequests: 7 }],
  ] as const)('admits exactly the limit of %s out of 20 at once, and refused requests leave no trace', async (_name, limits) => {
    const keyId = newKeyId();
    const all = { requestsPerMinute: 1_000, tokensPerMinute: 1_000_000, tokensPerMonth: 1_000_000, concurrentRequests: 1_000, ...limits };
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => limiter.admit(input(keyId, all))));
    const admitted = outcomes.filter((o) => o.admitted);
    expect(admitted).toHaveLength(7);
    const values = await limiter.read(keyId, windowsAt(NOW));
    // Every counter holds exactly what the admitted requests took: the refused ones were undone.
    expect(values).toEqual({ requestsMinute: 7, tokensMinute: 700, tokensMonth: 700, active: 7 });
    for (const o of outcomes) if (!o.admitted) expect(o.limit).toBe(Object.keys(limits)[0]);
  });

  it('refuses a reservation larger than the limit itself without writing anything', async () => {
    const keyId = newKeyId();
    const outcome = await limiter.admit(input(keyId, { tokensPerMinute: 1_000, requestsPerMinute: 10 }, 1_001));
    expect(outcome).toEqual({ admitted: false, limit: 'tokensPerMinute', tooLarge: true });
    expect(await limiter.read(keyId, windowsAt(NOW))).toEqual({ requestsMinute: 0, tokensMinute: 0, tokensMonth: 0, active: 0 });
  });

  it('counts a new minute from zero, and the month across minutes', async () => {
    const keyId = newKeyId();
    const limits = { requestsPerMinute: 1, tokensPerMonth: 250 };
    expect((await limiter.admit(input(keyId, limits))).admitted).toBe(true);
    expect((await limiter.admit(input(keyId, limits))).admitted).toBe(false);
    expect((await limiter.admit(input(keyId, limits, 100, NOW + 30_000))).admitted).toBe(true);
    // The month now holds 200 of 250 tokens: the next minute has room for a request, the month does not.
    const third = await limiter.admit(input(keyId, limits, 100, NOW + 90_000));
    expect(third).toMatchObject({ admitted: false, limit: 'tokensPerMonth', tooLarge: false });
  });
});

describe('settlement and leases', () => {
  it('moves tokens from the reservation to the real usage and frees the slot, once', async () => {
    const keyId = newKeyId();
    const outcome = await limiter.admit(input(keyId, { tokensPerMinute: 10_000, tokensPerMonth: 10_000, concurrentRequests: 1 }, 500));
    if (!outcome.admitted) throw new Error('not admitted');
    await limiter.settle(outcome.ticket, 42);
    expect(await limiter.read(keyId, windowsAt(NOW))).toEqual({ requestsMinute: 0, tokensMinute: 42, tokensMonth: 42, active: 0 });
    // A second release of the same lease must not free another request's slot.
    const other = await limiter.admit(input(keyId, { concurrentRequests: 1 }));
    expect(other.admitted).toBe(true);
    expect(await store.limits.releaseLease(keyId, outcome.ticket.leaseId!)).toBe(false);
    expect((await limiter.read(keyId, windowsAt(NOW))).active).toBe(1);
  });

  it('reclaims a lease whose holder stopped renewing it, and only after it expired', async () => {
    const keyId = newKeyId();
    const dead = input(keyId, { concurrentRequests: 1 });
    expect((await limiter.admit(dead)).admitted).toBe(true);
    // Before expiry the slot is taken, even though its holder is gone.
    expect(await limiter.admit(input(keyId, { concurrentRequests: 1 }, 100, dead.leaseExpiresAt - 1))).toMatchObject({ admitted: false });
    const later = await limiter.admit(input(keyId, { concurrentRequests: 1 }, 100, dead.leaseExpiresAt + 1));
    expect(later.admitted).toBe(true);
    expect((await limiter.read(keyId, windowsAt(NOW))).active).toBe(1);
  });

  it('keeps a lease that was renewed', async () => {
    const keyId = newKeyId();
    const alive = input(keyId, { concurrentRequests: 1 });
    const outcome = await limiter.admit(alive);
    if (!outcome.admitted) throw new Error('not admitted');
    expect(await limiter.renew(outcome.ticket, alive.leaseExpiresAt + 60_000)).toBe(true);
    expect((await limiter.admit(input(keyId, { concurrentRequests: 1 }, 100, alive.leaseExpiresAt + 1))).admitted).toBe(false);
  });

  it('gives the month its tokens at settlement even when the lease had been reclaimed meanwhile', async () => {
    const keyId = newKeyId();
    const limits = { concurrentRequests: 1, tokensPerMonth: 10_000 };
    const slow = input(keyId, limits, 500);
    const first = await limiter.admit(slow);
    if (!first.admitted) throw new Error('not admitted');
    // The first holder stopped renewing: a later request reclaims its slot.
    const second = await limiter.admit(input(keyId, limits, 500, slow.leaseExpiresAt + 1));
    if (!second.admitted) throw new Error('not admitted');
    await limiter.settle(first.ticket, 42);
    expect(await limiter.read(keyId, windowsAt(NOW))).toMatchObject({ tokensMonth: 542, active: 1 });
    await limiter.settle(second.ticket, 8);
    expect(await limiter.read(keyId, windowsAt(NOW))).toMatchObject({ tokensMonth: 50, active: 0 });
  });
});

describe('month counters', () => {
  it("keep last month's tokens through this month (a late settlement still lands) and drop them the month after", async () => {
    const keyId = newKeyId();
    const limits = { tokensPerMonth: 1_000 };
    const jan = Date.UTC(2026, 0, 31, 23, 59, 50);
    const feb = Date.UTC(2026, 1, 10);
    const mar = Date.UTC(2026, 2, 1, 0, 0, 5);
    const late = await limiter.admit(input(keyId, limits, 300, jan));
    if (!late.admitted) throw new Error('not admitted');
    expect((await limiter.admit(input(keyId, limits, 100, feb))).admitted).toBe(true);
    await limiter.settle(late.ticket, 120);
    expect((await limiter.read(keyId, windowsAt(jan))).tokensMonth).toBe(120);
    expect((await limiter.read(keyId, windowsAt(feb))).tokensMonth).toBe(100);
    // Each month starts from zero; January is no longer needed once March has begun.
    expect((await limiter.admit(input(keyId, limits, 1_000, mar))).admitted).toBe(true);
    expect((await limiter.read(keyId, windowsAt(jan))).tokensMonth).toBe(0);
    expect((await limiter.read(keyId, windowsAt(feb))).tokensMonth).toBe(100);
  });
});
