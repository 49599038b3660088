// What a key or an account has spent against its budget in the current period (settled costs), for the
// admin API, the CLI and the dashboard. One GetItem of the counter item; nothing without a budget.
import type { AccountRecord, KeyRecord, Store } from '../records';
import { limitsFor } from '../plans';
import { toUsd } from './budget';
import { Limiter } from './limiter';
import { windowsAt } from './windows';

/** Reading counters needs a lease length only to place lease epochs, which budget figures do not depend on. */
const LEASE_MS = 60_000;

export async function keySpendUsd(store: Store, account: AccountRecord, key: Pick<KeyRecord, 'keyId' | 'budget'>, now: number): Promise<number | null> {
  if (!key.budget) return null;
  const values = await new Limiter(store.limits).read(key.keyId, limitsFor(account), windowsAt(now), now, LEASE_MS, key.budget.period);
  return toUsd(values.budgetSettled ?? 0);
}

export async function accountSpendUsd(store: Store, account: AccountRecord, now: number): Promise<number | null> {
  if (!account.budget) return null;
  const values = await new Limiter(store.limits).readAccount(account.accountId, account.budget.period, windowsAt(now), now, LEASE_MS);
  return toUsd(values.budgetSettled ?? 0);
}
