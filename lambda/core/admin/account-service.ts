// Accounts through the admin API: create, list, show, change name, plan and custom limits, delete.
import { BadRequestError } from '../../wire/errors';
import type { Clock } from '../clock';
import { newAccountId } from '../ids';
import { PLANS } from '../plans';
import { InvalidCursorError, type AccountRecord } from '../records';
import { audit, requireAccount, wireFields, type AdminContext } from './context';
import { liveKeys, overQuotaNotice } from './policy';
import type { AccountInput, AccountPatch, ListQuery } from './validation';
import { accountSpendUsd } from '../limits/spend';
import { accountView } from './views';

const iso = (clock: Clock) => new Date(clock.now()).toISOString();

export async function createAccount(ctx: AdminContext, input: AccountInput) {
  const account: AccountRecord = {
    accountId: newAccountId(),
    name: input.name,
    plan: input.plan,
    ...(input.customLimits ? { customLimits: input.customLimits } : {}),
    ...(input.allowedModels ? { allowedModels: input.allowedModels } : {}),
    ...(input.budget ? { budget: input.budget } : {}),
    createdAt: iso(ctx.clock),
  };
  await audit(ctx, { action: 'account.create', accountId: account.accountId, fields: wireFields(input) });
  await ctx.store.keys.putAccount(account);
  return accountView(account);
}

export async function listAccounts(ctx: AdminContext, query: ListQuery) {
  try {
    const page = await ctx.store.keys.listAccounts(query);
    return { object: 'list' as const, data: page.items.map(accountView), has_more: page.next !== undefined, next_cursor: page.next ?? null };
  } catch (err) {
    if (err instanceof InvalidCursorError) throw new BadRequestError(`'after' is not a cursor this API returned.`, { param: 'after', code: 'invalid_value' });
    throw err;
  }
}

/** The account with how many of its keys are active (what the quota counts). */
export async function showAccount(ctx: AdminContext, accountId: string) {
  const account = await requireAccount(ctx, accountId);
  const keys = await ctx.store.keys.listKeys(accountId);
  const now = ctx.clock.now();
  return { ...accountView(account), active_keys: liveKeys(keys, now).length, budget_spent_usd: await accountSpendUsd(ctx.store, account, now) };
}

/**
 * Changing plans never touches keys. The response warns when the account is now over its key quota
 * (new keys are blocked until it is back under) or holds allowlists its plan no longer offers (they stay
 * enforced; they can be cleared but not changed).
 */
export async function updateAccount(ctx: AdminContext, accountId: string, patch: AccountPatch) {
  const account = await requireAccount(ctx, accountId);
  const plan = patch.plan ?? account.plan;
  if (patch.customLimits && plan !== 'enterprise') {
    throw new BadRequestError(`'custom_limits' apply to enterprise accounts only; this account would be on the ${plan} plan.`, {
      param: 'custom_limits',
      code: 'invalid_value',
    });
  }
  const next: AccountRecord = { ...account, plan, updatedAt: iso(ctx.clock) };
  if (patch.name !== undefined) next.name = patch.name;
  // Leaving enterprise drops custom limits, so a later upgrade starts from the defaults, not stale values.
  if (patch.customLimits === null || plan !== 'enterprise') delete next.customLimits;
  else if (patch.customLimits) next.customLimits = patch.customLimits;
  if (patch.allowedModels === null) delete next.allowedModels;
  else if (patch.allowedModels) next.allowedModels = patch.allowedModels;
  if (patch.budget === null) delete next.budget;
  else if (patch.budget) next.budget = patch.budget;

  await audit(ctx, { action: 'account.update', accountId, fields: wireFields(patch) });
  if (!(await ctx.store.keys.updateAccount(next))) await requireAccount(ctx, accountId);

  const keys = liveKeys(await ctx.store.keys.listKeys(accountId), ctx.clock.now());
  const warnings: string[] = [];
  const over = overQuotaNotice(next, keys.length);
  if (over) warnings.push(over);
  const scoped = keys.filter((k) => k.ipAllowlist?.length).length;
  if (scoped && !PLANS[plan].ipAllowlists) {
    warnings.push(`${scoped} active key(s) carry IP allowlists, which the ${plan} plan does not offer; they stay enforced and can be cleared but not changed.`);
  }
  return { ...accountView(next), active_keys: keys.length, warnings };
}

/** The account's budget events (50, 80 and 100% of a key's or the account's budget), newest first. */
export async function listEvents(ctx: AdminContext, accountId: string) {
  await requireAccount(ctx, accountId);
  const events = await ctx.store.events.list(accountId, 100);
  return {
    object: 'list' as const,
    data: events.map((e) => ({
      object: 'event' as const,
      type: e.type,
      created_at: Math.floor(Date.parse(e.at) / 1000),
      scope: e.scope,
      key_id: e.keyId,
      threshold_percent: e.threshold,
      budget: { limit_usd: e.limitUsd, period: e.period },
      period: e.periodLabel,
      settled_usd: e.settledUsd,
    })),
    has_more: false,
  };
}

/** Revokes every key first, so no key of a deleted account works even while the account item lingers. */
export async function deleteAccount(ctx: AdminContext, accountId: string) {
  await requireAccount(ctx, accountId);
  const at = iso(ctx.clock);
  let revoked = 0;
  for (const key of await ctx.store.keys.listKeys(accountId)) {
    if (key.status === 'revoked') continue;
    await audit(ctx, { action: 'key.revoke', accountId, keyId: key.keyId });
    await ctx.store.keys.updateKey({ ...key, status: 'revoked', revokedAt: at, updatedAt: at });
    revoked += 1;
  }
  await audit(ctx, { action: 'account.delete', accountId });
  await ctx.store.keys.deleteAccount(accountId);
  return { object: 'account.deleted' as const, id: accountId, deleted: true, revoked_keys: revoked };
}
