// Helpers for the rate-limit and usage tests: accounts with chosen limits, reading counters and usage
// back from the store, and waiting for settlement (which runs after the response has been sent).
import OpenAI from 'openai';
import { createAccount, issueKey } from '../../lambda/core/accounts';
import type { Clock } from '../../lambda/core/clock';
import type { CounterValues } from '../../lambda/core/limits/port';
import { leaseEpochAt, windowsAt } from '../../lambda/core/limits/windows';
import type { Limits } from '../../lambda/core/plans';
import type { Plan, Store } from '../../lambda/core/records';
import type { UsageRecord } from '../../lambda/core/usage/record';

export interface LimitedKey {
  accountId: string;
  keyId: string;
  secret: string;
}

/** An account (enterprise with these custom limits unless another plan is named) and one key. */
export async function limitedKey(store: Store, clock: Clock, limits: Partial<Limits>, plan: Plan = 'enterprise'): Promise<LimitedKey> {
  const account = await createAccount(store.keys, { name: 'limits test', plan }, clock);
  if (plan === 'enterprise') await store.keys.putAccount({ ...account, customLimits: limits });
  const { secret, record } = await issueKey(store.keys, account.accountId, { label: 'limits' }, clock);
  return { accountId: account.accountId, keyId: record.keyId, secret };
}

export function clientFor(baseURL: string, apiKey: string, maxRetries = 0): OpenAI {
  return new OpenAI({ baseURL, apiKey, maxRetries });
}

/** The key's counters (its first shard: every test key has one), live leases only. */
export function counters(store: Store, keyId: string, at: number, leaseMs = 60_000): Promise<CounterValues> {
  const w = windowsAt(at);
  return store.limits.read({ keyId, shard: 0 }, { epoch: leaseEpochAt(at, leaseMs), minute: Number(w.minute), month: w.month });
}

/** Polls until `check` returns a value (settlement finishes after the client has its response). */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every usage record of the account, once there are `count` of them. */
export function recordsOf(store: Store, accountId: string, count: number): Promise<UsageRecord[]> {
  return waitFor(async () => {
    const records = await store.usage.records(accountId, '2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z');
    return records.length >= count ? records : undefined;
  }, `${count} usage records`);
}

/**
 * The key's counters once they equal `expected`, or as they are after the timeout (for the assertion to
 * show): settlement of another process cannot be awaited, only observed.
 */
export async function countersWhenSettled(store: Store, keyId: string, at: number, expected: CounterValues, timeoutMs = 5_000, leaseMs = 60_000): Promise<CounterValues> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const values = await counters(store, keyId, at, leaseMs);
    const same = (Object.keys(expected) as Array<keyof CounterValues>).every((k) => values[k] === expected[k]);
    if (same || Date.now() > deadline) return values;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Until no concurrency lease of the key is held (every request settled). */
export function leasesReleased(store: Store, keyId: string, at: number, leaseMs = 60_000): Promise<true> {
  return waitFor(async () => ((await counters(store, keyId, at, leaseMs)).active === 0 ? true : undefined), 'leases released');
}

export function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}
