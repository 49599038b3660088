// The limiter and its DynamoDB counters against dynalite: one conditional write admits exactly up to each
// limit under concurrency, a refusal leaves no trace, leases are released once and reclaimed after their
// holder stopped renewing them, and the key's item stays under one write unit however many run at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config';
import { newKeyId } from '../../lambda/core/ids';
import { Limiter, shardsFor, type AdmitInput, type Ticket } from '../../lambda/core/limits/limiter';
import { leaseEpochMs, windowsAt } from '../../lambda/core/limits/windows';
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

const LEASE_MS = 60_000;
const EPOCH = leaseEpochMs(LEASE_MS);
/** The start of a lease epoch, mid-minute, mid-month. */
const NOW = Math.ceil(Date.UTC(2026, 0, 15, 12, 0, 0) / EPOCH) * EPOCH + 1_000;
const OPEN: Limits = { requestsPerMinute: null, tokensPerMinute: null, tokensPerMonth: null, concurrentRequests: null, maxTokensPerRequest: null };
const input = (keyId: string, limits: Partial<Limits>, reserved = 100, now = NOW): AdmitInput => ({ keyId, limits: { ...OPEN, ...limits }, reserved, windows: windowsAt(now), now, leaseMs: LEASE_MS });
const read = (keyId: string, at = NOW, limits: Partial<Limits> = {}) => limiter.read(keyId, { ...OPEN, ...limits }, windowsAt(at), at, LEASE_MS);
const settle = (ticket: Ticket, used: number, at = NOW) => limiter.settle(ticket, used, 0, '{"requestId":"r"}', at);
async function admitted(i: AdmitInput): Promise<Ticket> {
  const outcome = await limiter.admit(i);
  if (!outcome.admitted) throw new Error(`not admitted: ${outcome.limit}`);
  return outcome.ticket;
}

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
    expect(outcomes.filter((o) => o.admitted)).toHaveLength(7);
    // Every counter holds exactly what the admitted requests took.
    expect(await read(keyId)).toEqual({ requestsMinute: 7, tokensMinute: 700, tokensMonth: 700, active: 7 });
    for (const o of outcomes) if (!o.admitted) expect(o.limit).toBe(Object.keys(limits)[0]);
  });

  it('refuses a reservation larger than the limit itself without writing anything', async () => {
    const keyId = newKeyId();
    store.requests!.reset();
    const outcome = await limiter.admit(input(keyId, { tokensPerMinute: 1_000, requestsPerMinute: 10 }, 1_001));
    expect(outcome).toEqual({ admitted: false, limit: 'tokensPerMinute', tooLarge: true });
    expect(store.requests!.snapshot()['limits.admit']).toBeUndefined();
    expect(await read(keyId)).toEqual({ requestsMinute: 0, tokensMinute: 0, tokensMonth: 0, active: 0 });
  });

  it('counts a new minute from zero, and the month across minutes', async () => {
    const keyId = newKeyId();
    const limits = { requestsPerMinute: 1, tokensPerMonth: 250 };
    expect((await limiter.admit(input(keyId, limits))).admitted).toBe(true);
    expect((await limiter.admit(input(keyId, limits))).admitted).toBe(false);
    expect((await limiter.admit(input(keyId, limits, 100, NOW + 60_000))).admitted).toBe(true);
    // The month now holds 200 of 250 tokens: the next minute has room for a request, the month does not.
    const third = await limiter.admit(input(keyId, limits, 100, NOW + 120_000));
    expect(third).toMatchObject({ admitted: false, limit: 'tokensPerMonth', tooLarge: false });
  });
});

describe('settlement and leases', () => {
  it('moves tokens from the reservation to the real usage and frees the slot, once', async () => {
    const keyId = newKeyId();
    const ticket = await admitted(input(keyId, { tokensPerMinute: 10_000, tokensPerMonth: 10_000, concurrentRequests: 1 }, 500));
    await settle(ticket, 42);
    expect(await read(keyId)).toEqual({ requestsMinute: 1, tokensMinute: 42, tokensMonth: 42, active: 0 });
    // A second settlement of the same request must not free another request's slot.
    await admitted(input(keyId, { concurrentRequests: 1 }));
    await limiter.settle({ ...ticket, reserved: 42 }, 42, 0, '{"requestId":"r"}', NOW);
    expect((await read(keyId)).active).toBe(0);
  });

  it('reclaims a lease whose holder stopped renewing it, between half a lease and a whole lease later', async () => {
    const keyId = newKeyId();
    await admitted(input(keyId, { concurrentRequests: 1 }));
    // One epoch on, the slot is still taken, even though its holder is gone.
    expect(await limiter.admit(input(keyId, { concurrentRequests: 1 }, 100, NOW + EPOCH))).toMatchObject({ admitted: false, limit: 'concurrentRequests' });
    // Two epochs after the last renewal it counts as dead: the next admission reclaims it in passing.
    await admitted(input(keyId, { concurrentRequests: 1 }, 100, NOW + 2 * EPOCH - 1_000));
    expect((await read(keyId, NOW + 2 * EPOCH)).active).toBe(1);
  });

  it('keeps a lease that was renewed, and settles it from the epoch it moved to', async () => {
    const keyId = newKeyId();
    const ticket = await admitted(input(keyId, { concurrentRequests: 1 }));
    for (let e = 1; e <= 4; e++) {
      const at = NOW + e * EPOCH;
      expect(await limiter.renew(ticket, windowsAt(at), at, LEASE_MS)).toBe(true);
      expect(await limiter.admit(input(keyId, { concurrentRequests: 1 }, 100, at + 10))).toMatchObject({ admitted: false });
    }
    await settle(ticket, 100, NOW + 4 * EPOCH);
    expect((await read(keyId, NOW + 4 * EPOCH)).active).toBe(0);
    await admitted(input(keyId, { concurrentRequests: 1 }, 100, NOW + 4 * EPOCH + 10));
  });

  it('does not give back a lease that was reclaimed, and still moves its tokens', async () => {
    const keyId = newKeyId();
    const limits = { concurrentRequests: 1, tokensPerMonth: 10_000 };
    const slow = await admitted(input(keyId, limits, 500));
    const later = NOW + 2 * EPOCH;
    // The first holder stopped renewing: a later request reclaims its slot, and its renewal fails.
    const second = await admitted(input(keyId, limits, 500, later));
    expect(await limiter.renew(slow, windowsAt(later), later, LEASE_MS)).toBe(false);
    await settle(slow, 42, later);
    expect(await read(keyId, later)).toMatchObject({ tokensMonth: 542, active: 1 });
    await settle(second, 8, later);
    expect(await read(keyId, later)).toMatchObject({ tokensMonth: 50, active: 0 });
  });
});

describe('month counters', () => {
  it("keep last month's tokens through this month (a late settlement still lands) and start each month from zero", async () => {
    const keyId = newKeyId();
    const limits = { tokensPerMonth: 1_000 };
    const jan = Date.UTC(2026, 0, 31, 23, 59, 50);
    const feb = Date.UTC(2026, 1, 10);
    const mar = Date.UTC(2026, 2, 1, 0, 0, 5);
    const late = await admitted(input(keyId, limits, 300, jan));
    expect((await limiter.admit(input(keyId, limits, 100, feb))).admitted).toBe(true);
    await settle(late, 120, feb);
    expect((await read(keyId, jan)).tokensMonth).toBe(120);
    expect((await read(keyId, feb)).tokensMonth).toBe(100);
    // March reuses January's slot: it starts from zero, and February is still there.
    expect((await limiter.admit(input(keyId, limits, 1_000, mar))).admitted).toBe(true);
    expect((await read(keyId, jan)).tokensMonth).toBe(0);
    expect((await read(keyId, feb)).tokensMonth).toBe(100);
  });
});

describe('the cost of a request', () => {
  it('is one write unit to admit and one to settle at 1 and at 500 running requests; a refusal is one unit', async () => {
    const keyId = newKeyId();
    const limits = { requestsPerMinute: 10_000, tokensPerMinute: 100_000_000, tokensPerMonth: 1_000_000_000, concurrentRequests: 500 };
    const units = () => store.requests!.snapshot()['wcu.dynamodb.UpdateItem'] ?? 0;
    const tickets: Ticket[] = [];
    // Warm the instance's view of the item, as a running instance has it.
    tickets.push(await admitted(input(keyId, limits)));
    for (const running of [1, 499]) {
      while (tickets.length < running) tickets.push(await admitted(input(keyId, limits)));
      store.requests!.reset();
      tickets.push(await admitted(input(keyId, limits)));
      expect(units(), `admission with ${running} running`).toBe(1);
    }
    store.requests!.reset();
    expect(await limiter.admit(input(keyId, limits))).toMatchObject({ admitted: false, limit: 'concurrentRequests' });
    expect(units()).toBe(1);
    store.requests!.reset();
    await limiter.settle(tickets.pop()!, 150, 0, JSON.stringify({ requestId: 'x'.repeat(36), model: 'y'.repeat(600) }), NOW);
    expect(units()).toBe(1);
    expect((await read(keyId)).active).toBe(499);
  });
});

describe('sharded keys', () => {
  it('spread a high request limit over items whose shares add up to the limit, and never admit more', async () => {
    const limits = { ...OPEN, requestsPerMinute: 45_000, concurrentRequests: 5 };
    expect(shardsFor(limits)).toBe(3);
    expect(shardsFor({ ...OPEN, requestsPerMinute: 10_000 })).toBe(1);
    expect(shardsFor({ ...OPEN, requestsPerMinute: 100_000, concurrentRequests: 2 })).toBe(2);
    const keyId = newKeyId();
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => limiter.admit(input(keyId, limits))));
    const admittedCount = outcomes.filter((o) => o.admitted).length;
    expect(admittedCount).toBeLessThanOrEqual(5);
    expect(admittedCount).toBeGreaterThanOrEqual(4);
    const perShard = await Promise.all([0, 1, 2].map((shard) => store.limits.read({ keyId, shard }, { epoch: Math.floor(NOW / EPOCH), minute: Math.floor(NOW / 60_000), month: '2026-01' })));
    expect(perShard.reduce((s, v) => s + v.active, 0)).toBe(admittedCount);
    expect(perShard.map((v) => v.active).every((a, i) => a <= [2, 2, 1][i]!)).toBe(true);
  });
});
