// The plan table: one typed data module. Free and Pro are fixed here; Enterprise limits come from the
// account record (`customLimits`), where any limit may be null for "unlimited".
import type { AccountRecord, Plan } from './records';

export interface Limits {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  /** Calendar month, UTC. */
  tokensPerMonth: number | null;
  concurrentRequests: number | null;
  /** Per request; null means the model's own maximum. */
  maxTokensPerRequest: number | null;
}

export interface PlanSpec {
  plan: Plan;
  /** How many active keys an account may hold; null is unlimited. */
  keyQuota: number | null;
  /** Whether keys may carry an IP allowlist. */
  ipAllowlists: boolean;
  limits: Limits;
}

export const PLANS: Readonly<Record<Plan, PlanSpec>> = {
  free: {
    plan: 'free',
    keyQuota: 3,
    ipAllowlists: false,
    limits: { requestsPerMinute: 10, tokensPerMinute: 40_000, tokensPerMonth: 100_000, concurrentRequests: 2, maxTokensPerRequest: 4_096 },
  },
  pro: {
    plan: 'pro',
    keyQuota: 25,
    ipAllowlists: true,
    limits: { requestsPerMinute: 500, tokensPerMinute: 2_000_000, tokensPerMonth: 10_000_000, concurrentRequests: 50, maxTokensPerRequest: 32_768 },
  },
  enterprise: {
    plan: 'enterprise',
    keyQuota: null,
    ipAllowlists: true,
    // Defaults for an enterprise account without custom limits: generous, never unbounded by accident.
    limits: { requestsPerMinute: 10_000, tokensPerMinute: 50_000_000, tokensPerMonth: null, concurrentRequests: 500, maxTokensPerRequest: null },
  },
};

export const PLAN_NAMES: readonly Plan[] = ['free', 'pro', 'enterprise'];

/** The limits in force for an account: the plan's, with an enterprise account's own values on top. */
export function limitsFor(account: AccountRecord): Limits {
  const base = PLANS[account.plan].limits;
  if (account.plan !== 'enterprise' || !account.customLimits) return base;
  return { ...base, ...account.customLimits };
}
