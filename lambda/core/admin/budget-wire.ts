// `budget` in admin bodies: {"limit_usd": number, "period": "day" | "week" | "month" | "total"}, or null to
// remove it; and the budget as the admin API shows it.
import { BUDGET_PERIODS, type Budget } from '../limits/budget';
import { fail, isObject, oneOf, onlyKnown } from './fields';

/** A million dollars a period: far above any sane budget, low enough that nano-USD sums stay exact integers. */
const MAX_BUDGET_USD = 1_000_000;

export function parseBudget(value: unknown): Budget {
  if (!isObject(value)) return fail(`'budget' must be an object {"limit_usd": number, "period": "day" | "week" | "month" | "total"}, or null to remove it.`, 'budget', 'invalid_type');
  onlyKnown(value, ['limit_usd', 'period'], 'budget.');
  const limit = value.limit_usd;
  if (limit === undefined) return fail(`Missing required parameter: 'budget.limit_usd'.`, 'budget.limit_usd', 'missing_parameter');
  if (typeof limit !== 'number' || !Number.isFinite(limit)) return fail(`'budget.limit_usd' must be a number (US dollars).`, 'budget.limit_usd', 'invalid_type');
  if (limit <= 0 || limit > MAX_BUDGET_USD) return fail(`'budget.limit_usd' must be above 0 and at most ${MAX_BUDGET_USD}, got ${limit}.`, 'budget.limit_usd');
  // Micro-dollars at most: the reservation arithmetic is in nano-USD, and finer budgets mean nothing.
  if (Math.abs(limit * 1e6 - Math.round(limit * 1e6)) > 1e-3) {
    return fail(`'budget.limit_usd' may have at most 6 decimal places, got ${limit}.`, 'budget.limit_usd');
  }
  if (value.period === undefined) return fail(`Missing required parameter: 'budget.period'.`, 'budget.period', 'missing_parameter');
  return { limitUsd: limit, period: oneOf(value.period, 'budget.period', BUDGET_PERIODS) };
}

export const budgetToWire = (budget: Budget | undefined) => (budget ? { limit_usd: budget.limitUsd, period: budget.period } : null);
