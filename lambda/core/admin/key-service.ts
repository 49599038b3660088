// API keys through the admin API: issue, list, change, rotate, revoke. Keys are never deleted: a revoked
// key stays listed (with its hint and dates) so the history of who held what remains readable.
import { ConflictError } from '../../wire/errors';
import { newKey } from '../accounts';
import type { KeyRecord } from '../records';
import { audit, requireAccount, requireKey, wireFields, type AdminContext } from './context';
import { assertAllowlistAllowed, assertCanAddKey, liveKeys, retireForRotation } from './policy';
import type { KeyInput, KeyPatch, RotateInput } from './validation';
import { keySpendUsd } from '../limits/spend';
import { keyState, keyView } from './views';

/** Only a working key may be changed or rotated. */
function assertLive(key: KeyRecord, now: number, action: string): void {
  const state = keyState(key, now);
  if (state !== 'active') {
    throw new ConflictError(`API key ${key.keyId} is ${state} and cannot be ${action}.`, { code: `key_${state}` });
  }
}

export async function createKey(ctx: AdminContext, accountId: string, input: KeyInput) {
  const account = await requireAccount(ctx, accountId);
  assertAllowlistAllowed(account, input.ipAllowlist);
  const live = liveKeys(await ctx.store.keys.listKeys(accountId), ctx.clock.now());
  assertCanAddKey(account, live.length);
  const { secret, record } = newKey(accountId, input, ctx.clock);
  await audit(ctx, { action: 'key.create', accountId, keyId: record.keyId, fields: wireFields(input) });
  await ctx.store.keys.putKey(record);
  return { ...keyView(record, ctx.clock.now()), secret };
}

/** One key, with what it has spent against its budget this period (settled costs), when it has one. */
export async function showKey(ctx: AdminContext, keyId: string) {
  const key = await requireKey(ctx, keyId);
  // A key outlives its account (deleting an account revokes its keys, which stay readable).
  const account = await ctx.store.keys.getAccount(key.accountId);
  const now = ctx.clock.now();
  return { ...keyView(key, now), budget_spent_usd: account ? await keySpendUsd(ctx.store, account, key, now) : null };
}

export async function listKeys(ctx: AdminContext, accountId: string) {
  await requireAccount(ctx, accountId);
  const now = ctx.clock.now();
  const keys = await ctx.store.keys.listKeys(accountId);
  return { object: 'list' as const, data: keys.map((k) => keyView(k, now)), has_more: false };
}

export async function updateKey(ctx: AdminContext, keyId: string, patch: KeyPatch) {
  const key = await requireKey(ctx, keyId);
  const now = ctx.clock.now();
  assertLive(key, now, 'changed');
  if (patch.ipAllowlist) assertAllowlistAllowed(await requireAccount(ctx, key.accountId), patch.ipAllowlist);
  const next: KeyRecord = { ...key, updatedAt: new Date(now).toISOString() };
  if (patch.label !== undefined) next.label = patch.label;
  if (patch.expiresAt === null) delete next.expiresAt;
  else if (patch.expiresAt !== undefined) next.expiresAt = patch.expiresAt;
  if (patch.ipAllowlist === null) delete next.ipAllowlist;
  else if (patch.ipAllowlist !== undefined) next.ipAllowlist = patch.ipAllowlist;
  if (patch.allowedModels === null) delete next.allowedModels;
  else if (patch.allowedModels !== undefined) next.allowedModels = patch.allowedModels;
  if (patch.budget === null) delete next.budget;
  else if (patch.budget !== undefined) next.budget = patch.budget;

  await audit(ctx, { action: 'key.update', accountId: key.accountId, keyId, fields: wireFields(patch) });
  if (!(await ctx.store.keys.updateKey(next))) await requireKey(ctx, keyId);
  return keyView(next, now);
}

/**
 * Issues the replacement (same label and allowlist) and retires the old key after the grace period.
 * Rotation is allowed at or over the key quota: it swaps one key for another. The replacement is written
 * before the old key is retired, so a failure in between never leaves the caller with no working key.
 */
export async function rotateKey(ctx: AdminContext, keyId: string, input: RotateInput) {
  const old = await requireKey(ctx, keyId);
  const now = ctx.clock.now();
  assertLive(old, now, 'rotated');
  if (old.replacedBy) {
    throw new ConflictError(`API key ${keyId} was already rotated; its replacement is ${old.replacedBy}.`, { code: 'key_already_rotated' });
  }
  await requireAccount(ctx, old.accountId);
  const { secret, record } = newKey(
    old.accountId,
    { label: old.label, ipAllowlist: old.ipAllowlist, allowedModels: old.allowedModels, budget: old.budget, expiresAt: input.expiresAt, replaces: keyId },
    ctx.clock,
  );
  const retired = retireForRotation(old, record.keyId, now, input.graceSeconds);
  await audit(ctx, { action: 'key.rotate', accountId: old.accountId, keyId, newKeyId: record.keyId, fields: ['grace_period_seconds'] });
  await ctx.store.keys.putKey(record);
  await ctx.store.keys.updateKey(retired);
  return {
    object: 'api_key.rotation' as const,
    grace_period_seconds: input.graceSeconds,
    old_key: keyView(retired, now),
    new_key: { ...keyView(record, now), secret },
  };
}

/** Idempotent: revoking a revoked key changes nothing and writes nothing. */
export async function revokeKey(ctx: AdminContext, keyId: string) {
  const key = await requireKey(ctx, keyId);
  const now = ctx.clock.now();
  if (key.status === 'revoked') return keyView(key, now);
  const at = new Date(now).toISOString();
  const next: KeyRecord = { ...key, status: 'revoked', revokedAt: at, updatedAt: at };
  await audit(ctx, { action: 'key.revoke', accountId: key.accountId, keyId });
  await ctx.store.keys.updateKey(next);
  return keyView(next, now);
}
