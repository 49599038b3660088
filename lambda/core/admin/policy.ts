// Plan rules for keys: how many may be live, who may carry an IP allowlist, and what rotation does to the
// key it replaces. Pure functions of records and the time, so they are tested without a store.
import { PermissionDeniedError } from '../../wire/errors';
import { PLANS } from '../plans';
import type { AccountRecord, KeyRecord } from '../records';
import { keyState } from './views';

/** Keys that count against the quota: not revoked and not expired (a key in its rotation grace counts). */
export function liveKeys(keys: readonly KeyRecord[], now: number): KeyRecord[] {
  return keys.filter((k) => keyState(k, now) === 'active');
}

/**
 * Over quota after a downgrade: nothing is deleted, the account simply cannot add keys until it is back
 * under. Returns the sentence that says so, or undefined when the account is within its quota.
 */
export function overQuotaNotice(account: AccountRecord, live: number): string | undefined {
  const quota = PLANS[account.plan].keyQuota;
  if (quota === null || live <= quota) return undefined;
  return (
    `Account ${account.accountId} has ${live} active API keys, more than the ${account.plan} plan's quota of ${quota}. ` +
    `Existing keys keep working, but new keys are blocked until fewer than ${quota} are active; revoke ${live - quota + 1} to add one.`
  );
}

/** 403 when one more key would exceed the plan's quota, naming the plan and the quota. */
export function assertCanAddKey(account: AccountRecord, live: number): void {
  const quota = PLANS[account.plan].keyQuota;
  if (quota === null || live < quota) return;
  const message =
    overQuotaNotice(account, live) ??
    `The ${account.plan} plan allows at most ${quota} active API keys, and account ${account.accountId} already has ${live}. ` +
      `Revoke a key or move the account to a larger plan.`;
  throw new PermissionDeniedError(message, { code: 'key_quota_exceeded' });
}

/** 403 for a non-empty allowlist on a plan without allowlists. Clearing one is always allowed. */
export function assertAllowlistAllowed(account: AccountRecord, allowlist: readonly string[] | null | undefined): void {
  if (!allowlist?.length || PLANS[account.plan].ipAllowlists) return;
  throw new PermissionDeniedError(
    `IP allowlists are available on the pro and enterprise plans; account ${account.accountId} is on the ${account.plan} plan.`,
    { code: 'ip_allowlist_not_available', param: 'ip_allowlist' },
  );
}

/**
 * The replaced key after a rotation: with no grace it is revoked at once; otherwise it expires after the
 * grace period (never later than it would have expired anyway). Either way caches may serve it for up to
 * the key-cache bound (10 s) longer.
 */
export function retireForRotation(old: KeyRecord, replacementId: string, now: number, graceSeconds: number): KeyRecord {
  const at = new Date(now).toISOString();
  const base: KeyRecord = { ...old, replacedBy: replacementId, updatedAt: at };
  if (graceSeconds === 0) return { ...base, status: 'revoked', revokedAt: at };
  const graceEnd = now + graceSeconds * 1000;
  const current = old.expiresAt ? Date.parse(old.expiresAt) : Infinity;
  return { ...base, expiresAt: new Date(Math.min(current, graceEnd)).toISOString() };
}
