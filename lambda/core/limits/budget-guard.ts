// One request's budgets: the key's own (charged in its counter item by the limiter, with its other limits)
// and its account's (charged here, in the account's counter item). Both reserve the request's worst-case
// cost before any upstream call and settle to the exact cost after the last byte; each reservation is a
// conditional addition that lands only if the budget has room for it, so however requests interleave the
// settled costs of a period never add up to more than its limit.
//
// Order: the account's budget is reserved first; if the key then refuses, the account's reservation is
// given back at once. A crash in between leaves the account's reservation counted until its period ends:
// an overcount, never an overspend.
import { QuotaExceededError } from '../../wire/errors';
import type { AuthContext } from '../auth';
import type { AccountRecord, BudgetEvent } from '../records';
import type { Telemetry } from '../telemetry';
import { budgetWindow, toNano, toUsd, type Budget, type BudgetScope } from './budget';
import type { BudgetCharge, BudgetTicket, Limiter } from './limiter';
import type { CounterValues } from './port';
import { rfc3339, secondsUntil, type Windows } from './windows';

const THRESHOLDS = [50, 80, 100] as const;

export interface BudgetState {
  scope: BudgetScope;
  budget: Budget;
  spentNano: number;
}

const usd = (nano: number) => `$${toUsd(nano).toFixed(nano < 1e7 ? 6 : 4).replace(/0+$/, '').replace(/\.$/, '')}`;

/** X-Budget-* for the budget with the least left (of the key's and its account's). */
export function budgetHeaders(states: readonly BudgetState[], now: number): Record<string, string> {
  let tightest: { state: BudgetState; left: number } | undefined;
  for (const state of states) {
    const left = Math.max(0, toNano(state.budget.limitUsd) - state.spentNano);
    if (!tightest || left < tightest.left) tightest = { state, left };
  }
  if (!tightest) return {};
  const resetsAt = budgetWindow(tightest.state.budget.period, now).resetsAt;
  return {
    'x-budget-limit-usd': String(tightest.state.budget.limitUsd),
    'x-budget-remaining-usd': String(toUsd(tightest.left)),
    ...(resetsAt !== undefined ? { 'x-budget-reset': rfc3339(resetsAt) } : {}),
    'x-budget-scope': tightest.state.scope,
  };
}

/** 429 insufficient_quota / budget_exceeded, naming the budget; Retry-After is the period's end (none for total). */
export function budgetExceeded(scope: BudgetScope, budget: Budget, spentNano: number, reservedNano: number, tooLarge: boolean, now: number): QuotaExceededError {
  const window = budgetWindow(budget.period, now);
  const whose = scope === 'key' ? "This key's" : "This key's account's";
  const left = Math.max(0, toNano(budget.limitUsd) - spentNano);
  const per = budget.period === 'total' ? 'in total' : `per ${budget.period} (${window.label})`;
  const why = tooLarge
    ? `this request may cost up to ${usd(reservedNano)}, more than the whole budget; lower max_tokens or shorten the prompt.`
    : `${usd(left)} is left, less than this request may cost (up to ${usd(reservedNano)})${window.resetsAt !== undefined ? `; it resets at ${rfc3339(window.resetsAt)}` : ''}.`;
  return new QuotaExceededError(`Budget exceeded: ${whose} budget is ${usd(toNano(budget.limitUsd))} ${per}; ${why}`, {
    code: 'budget_exceeded',
    headers: window.resetsAt !== undefined && !tooLarge ? { 'retry-after': String(secondsUntil(window.resetsAt, now)) } : {},
  });
}

export class AccountBudget {
  private ticket?: BudgetTicket;

  constructor(
    private readonly limiter: Limiter,
    private readonly account: AccountRecord,
  ) {}

  get budget(): Budget | undefined {
    return this.account.budget;
  }

  /** Reserves `reservedNano`, or throws budget_exceeded; the values as they are now either way. */
  async admit(reservedNano: number, windows: Windows, now: number, leaseMs: number): Promise<CounterValues | undefined> {
    const budget = this.account.budget;
    if (!budget) return undefined;
    const charge: BudgetCharge = { limitNano: toNano(budget.limitUsd), period: budget.period, reserved: reservedNano };
    const out = await this.limiter.admitAccount(this.account.accountId, charge, windows, now, leaseMs);
    if (!out.ticket) throw budgetExceeded('account', budget, out.values.budgetSpent ?? 0, reservedNano, out.tooLarge, now);
    this.ticket = out.ticket;
    return out.values;
  }

  /** Settles to the request's cost (0 for one that was never sent). Undefined when nothing was reserved. */
  async settle(costNano: number, now: number): Promise<number | undefined> {
    const ticket = this.ticket;
    if (!ticket) return undefined;
    this.ticket = undefined;
    return (await this.limiter.settleAccount(this.account.accountId, ticket, costNano, now)).budgetSettled;
  }

  read(windows: Windows, now: number, leaseMs: number): Promise<CounterValues> | undefined {
    const budget = this.account.budget;
    return budget ? this.limiter.readAccount(this.account.accountId, budget.period, windows, now, leaseMs) : undefined;
  }
}

/**
 * The thresholds one settlement crossed: settled totals only grow by atomic additions, so of all the
 * settlements of a period exactly one takes the total across each threshold, and reports it.
 */
export function crossed(budget: Budget, settledAfter: number, costNano: number): Array<(typeof THRESHOLDS)[number]> {
  const limit = toNano(budget.limitUsd);
  const before = settledAfter - costNano;
  return THRESHOLDS.filter((t) => before < (limit * t) / 100 && settledAfter >= (limit * t) / 100);
}

/** Records and reports each threshold a settlement took its budget across. */
export async function reportCrossings(
  sink: { record(event: BudgetEvent): Promise<void> },
  telemetry: Telemetry | undefined,
  auth: AuthContext,
  scope: BudgetScope,
  budget: Budget,
  settledAfter: number | undefined,
  costNano: number,
  now: number,
): Promise<void> {
  if (settledAfter === undefined || costNano <= 0) return;
  const window = budgetWindow(budget.period, now);
  for (const threshold of crossed(budget, settledAfter, costNano)) {
    const event: BudgetEvent = {
      at: new Date(now).toISOString(),
      type: 'budget.threshold',
      accountId: auth.account.accountId,
      scope,
      keyId: auth.key.keyId,
      threshold,
      limitUsd: budget.limitUsd,
      period: budget.period,
      periodLabel: window.label,
      settledUsd: toUsd(settledAfter),
    };
    telemetry?.budget?.(event);
    await sink.record(event);
  }
}
