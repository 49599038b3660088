// Records as the admin API shows them: snake_case, Unix seconds (as OpenAI's own objects), null for
// absent values. A key's secret appears only in the response that created it.
import { PLANS, limitsFor } from '../plans';
import type { AccountRecord, KeyRecord } from '../records';
import { budgetToWire } from './budget-wire';
import { limitsToWire } from './limits-wire';

function seconds(iso: string): number;
function seconds(iso: string | undefined): number | null;
function seconds(iso: string | undefined): number | null {
  return iso ? Math.floor(Date.parse(iso) / 1000) : null;
}

export type KeyState = 'active' | 'revoked' | 'expired';

/** What a key does right now: revoked wins over expired. */
export function keyState(key: KeyRecord, now: number): KeyState {
  if (key.status === 'revoked') return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

export function accountView(account: AccountRecord) {
  const spec = PLANS[account.plan];
  return {
    object: 'account' as const,
    id: account.accountId,
    name: account.name,
    plan: account.plan,
    custom_limits: account.plan === 'enterprise' && account.customLimits ? limitsToWire(account.customLimits) : null,
    /** The limits in force: the plan's, with an enterprise account's own values on top. */
    limits: limitsToWire(limitsFor(account)),
    key_quota: spec.keyQuota,
    ip_allowlists: spec.ipAllowlists,
    /** null: every model. */
    allowed_models: account.allowedModels ?? null,
    budget: budgetToWire(account.budget),
    created_at: seconds(account.createdAt),
    updated_at: seconds(account.updatedAt),
  };
}

export function keyView(key: KeyRecord, now: number) {
  return {
    object: 'api_key' as const,
    id: key.keyId,
    account_id: key.accountId,
    label: key.label,
    hint: key.hint,
    status: keyState(key, now),
    created_at: seconds(key.createdAt),
    last_used_at: seconds(key.lastUsedAt),
    expires_at: seconds(key.expiresAt),
    revoked_at: seconds(key.revokedAt),
    ip_allowlist: key.ipAllowlist ?? [],
    /** null: every model the account allows. */
    allowed_models: key.allowedModels ?? null,
    budget: budgetToWire(key.budget),
    replaces: key.replaces ?? null,
    replaced_by: key.replacedBy ?? null,
  };
}

export type KeyView = ReturnType<typeof keyView>;
export type AccountView = ReturnType<typeof accountView>;
