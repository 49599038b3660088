// Admission and settlement against a key's limits, exact across every instance that shares the store.
//
// Admission is ONE conditional write: the key's counter item takes +1 request and +reservation tokens in
// the current minute, +reservation tokens in the month, and a concurrency lease, only if every limit it
// carries still has room, atomically in the store. Settlement is one write too: the tokens move from the
// reservation to the real usage, the lease is given back, and the usage record rides along to the table's
// stream. No request writes more than that, whatever the concurrency.
//
// A key whose request limit is above what one item takes comfortably spreads over shards, one item each;
// each shard holds an equal share of every limit (the shares add up to the limit exactly), so the shards
// together can never admit more than the limit. A request tries a random shard, then one more: at the very
// edge of a limit a request may be refused while another shard still has room. Rate-limit headers of a
// sharded key are its shard's values scaled by the number of shards.
import type { Limits } from '../plans';
import { budgetWindow, type BudgetPeriod, type BudgetWindow } from './budget';
import type { LimitName } from './policy';
import type { CounterValues, Current, LimitStore, Settled, ShardCharge, ShardRef } from './port';
import { leaseEpochAt, type Windows } from './windows';

/** Requests per minute one counter item takes: two writes each, half of DynamoDB's 1,000 writes/s per item. */
export const RPM_PER_SHARD = 15_000;
/** Counters outlive their window by this much, so a settlement that arrives late still finds them. */
const COUNTER_GRACE_MS = 60 * 60_000;
/** The item outlives its last lease by a day: longer than any request can run. */
const LEASE_GRACE_MS = 86_400_000;
/** A "total" budget never resets, so an item counting one is kept this long past its last write. */
const TOTAL_BUDGET_KEEP_MS = 10 * 365 * 86_400_000;

/** When nothing in a budget's period is needed any more. */
const budgetExpiry = (window: BudgetWindow | undefined, now: number) =>
  window === undefined ? 0 : window.resetsAt === undefined ? now + TOTAL_BUDGET_KEEP_MS : window.resetsAt + COUNTER_GRACE_MS;

/** A budget to charge: its limit and period, and the request's worst-case cost (nano-USD). */
export interface BudgetCharge {
  limitNano: number;
  period: BudgetPeriod;
  reserved: number;
}

/** What a budget admission took, for its settlement. */
export interface BudgetTicket {
  window: BudgetWindow;
  reserved: number;
}

export interface AdmitInput {
  keyId: string;
  limits: Limits;
  reserved: number;
  /** The key's own budget, counted in its counter item (each shard holds its share). */
  budget?: BudgetCharge;
  windows: Windows;
  now: number;
  leaseMs: number;
}

/** What admission took, so settlement can give back exactly that. */
export interface Ticket {
  ref: ShardRef;
  shards: number;
  windows: Windows;
  reserved: number;
  /** The epoch the lease was last renewed into; absent without a concurrency limit. */
  leaseEpoch?: number;
  budget?: BudgetTicket;
}

export type AdmitOutcome =
  | { admitted: true; ticket: Ticket; values: CounterValues }
  | {
      admitted: false;
      limit: LimitName | 'budget';
      /** The reservation alone is above the limit (or a shard's share of it): waiting cannot help. */
      tooLarge: boolean;
      values?: CounterValues;
    };

/** How many shards a key's counters spread over: enough for its request limit, never more than a limit can share. */
export function shardsFor(limits: Limits): number {
  const rpm = limits.requestsPerMinute;
  if (rpm === null) return 1;
  const wanted = Math.ceil(rpm / RPM_PER_SHARD);
  const smallest = Math.min(...[rpm, limits.concurrentRequests, limits.tokensPerMinute, limits.tokensPerMonth].filter((l): l is number => l !== null));
  return Math.max(1, Math.min(wanted, smallest));
}

/** Shard `shard`'s share of a limit: equal parts, the remainder to the first shards, adding up to the limit. */
export function shareOf(limit: number | null, shard: number, shards: number): number | null {
  if (limit === null) return null;
  return Math.floor(limit / shards) + (shard < limit % shards ? 1 : 0);
}

export function currentAt(windows: Windows, now: number, leaseMs: number): Current {
  return { epoch: leaseEpochAt(now, leaseMs), minute: Number(windows.minute), month: windows.month };
}

function scaled(values: CounterValues, shards: number): CounterValues {
  if (shards === 1) return values;
  return {
    requestsMinute: values.requestsMinute * shards,
    tokensMinute: values.tokensMinute * shards,
    tokensMonth: values.tokensMonth * shards,
    active: values.active * shards,
    ...(values.budgetSpent !== undefined ? { budgetSpent: values.budgetSpent * shards } : {}),
    ...(values.budgetSettled !== undefined ? { budgetSettled: values.budgetSettled * shards } : {}),
  };
}

export class Limiter {
  constructor(
    private readonly store: LimitStore,
    private readonly random: () => number = Math.random,
  ) {}

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    const { keyId, limits, reserved, windows, now, budget } = input;
    const shards = shardsFor(limits);
    for (const limit of ['tokensPerMinute', 'tokensPerMonth'] as const) {
      const max = shareOf(limits[limit], shards - 1, shards);
      if (max !== null && reserved > max) return { admitted: false, limit, tooLarge: true };
    }
    if (budget && budget.reserved > (shareOf(budget.limitNano, shards - 1, shards) ?? Infinity)) return { admitted: false, limit: 'budget', tooLarge: true };
    const window = budget ? budgetWindow(budget.period, now) : undefined;
    const current = { ...currentAt(windows, now, input.leaseMs), ...(window ? { budget: window } : {}) };
    const expiresAt = Math.max(now + input.leaseMs + LEASE_GRACE_MS, windows.monthResetsAt + COUNTER_GRACE_MS, budgetExpiry(window, now));
    const first = Math.floor(this.random() * shards);
    let refused: { limit: LimitName | 'budget'; values: CounterValues } | undefined;
    for (let i = 0; i < Math.min(2, shards); i++) {
      const shard = (first + i) % shards;
      const ref = { keyId, shard };
      const charge = chargeFor(limits, shard, shards, reserved, expiresAt);
      if (budget) charge.budget = { reserved: budget.reserved, spend: { amount: budget.reserved, ceiling: shareOf(budget.limitNano, shard, shards)! - budget.reserved } };
      const out = await this.store.admit(ref, charge, current);
      if (out.ok) {
        const ticket: Ticket = {
          ref,
          shards,
          windows,
          reserved,
          ...(limits.concurrentRequests !== null ? { leaseEpoch: current.epoch } : {}),
          ...(budget && window ? { budget: { window, reserved: budget.reserved } } : {}),
        };
        return { admitted: true, ticket, values: scaled(out.values, shards) };
      }
      refused = { limit: out.refused, values: scaled(out.values, shards) };
    }
    return { admitted: false, limit: refused!.limit, tooLarge: false, values: refused!.values };
  }

  /**
   * Moves the tokens from the reservation to `usedTokens` (and a budget's spend to `costNano`), frees the
   * slot and stores the record: one write.
   */
  async settle(ticket: Ticket, usedTokens: number, costNano: number, record: string, now: number): Promise<Settled> {
    const delta = usedTokens - ticket.reserved;
    return this.store.settle(ticket.ref, {
      ...(ticket.leaseEpoch !== undefined ? { lease: { epoch: ticket.leaseEpoch } } : {}),
      ...(delta !== 0 ? { minute: { window: Number(ticket.windows.minute), tokens: delta }, month: { window: ticket.windows.month, tokens: delta } } : {}),
      ...(ticket.budget ? { budget: budgetSettlement(ticket.budget, costNano) } : {}),
      record,
      expiresAt: Math.max(now + LEASE_GRACE_MS, ticket.windows.monthResetsAt + COUNTER_GRACE_MS, budgetExpiry(ticket.budget?.window, now)),
    });
  }

  /**
   * Reserves the worst case against an account's budget, in the account's own counter item (one per
   * account, shared by all its keys). Undefined when it has no room; `tooLarge` when it never could.
   */
  async admitAccount(accountId: string, budget: BudgetCharge, windows: Windows, now: number, leaseMs: number): Promise<{ ticket?: BudgetTicket; values: CounterValues; tooLarge: boolean }> {
    const window = budgetWindow(budget.period, now);
    const current = { ...currentAt(windows, now, leaseMs), budget: window };
    if (budget.reserved > budget.limitNano) return { tooLarge: true, values: await this.store.read(accountRef(accountId), current) };
    const expiresAt = Math.max(now + LEASE_GRACE_MS, budgetExpiry(window, now), windows.monthResetsAt + COUNTER_GRACE_MS);
    const out = await this.store.admit(
      accountRef(accountId),
      { minute: { reserved: 0 }, month: { reserved: 0 }, budget: { reserved: budget.reserved, spend: { amount: budget.reserved, ceiling: budget.limitNano - budget.reserved } }, expiresAt },
      current,
    );
    return out.ok ? { ticket: { window, reserved: budget.reserved }, values: out.values, tooLarge: false } : { values: out.values, tooLarge: false };
  }

  /** Settles (or, with a cost of 0 for a request never sent, releases) an account budget reservation. */
  settleAccount(accountId: string, ticket: BudgetTicket, costNano: number, now: number): Promise<Settled> {
    return this.store.settle(accountRef(accountId), { budget: budgetSettlement(ticket, costNano), expiresAt: Math.max(now + LEASE_GRACE_MS, budgetExpiry(ticket.window, now)) });
  }

  async readAccount(accountId: string, period: BudgetPeriod, windows: Windows, now: number, leaseMs: number): Promise<CounterValues> {
    return this.store.read(accountRef(accountId), { ...currentAt(windows, now, leaseMs), budget: budgetWindow(period, now) });
  }

  /** Stores the record of a request that was admitted without counting (limits off, or none set). */
  async record(keyId: string, record: string, now: number): Promise<void> {
    await this.store.settle({ keyId, shard: 0 }, { record, expiresAt: now + LEASE_GRACE_MS });
  }

  /** Keeps the lease live: moves it into the current epoch when a new one has begun. False once it is lost. */
  async renew(ticket: Ticket, windows: Windows, now: number, leaseMs: number): Promise<boolean> {
    if (ticket.leaseEpoch === undefined) return true;
    const current = currentAt(windows, now, leaseMs);
    if (current.epoch === ticket.leaseEpoch) return true;
    const held = await this.store.renew(ticket.ref, ticket.leaseEpoch, current);
    if (held) ticket.leaseEpoch = current.epoch;
    return held;
  }

  async read(keyId: string, limits: Limits, windows: Windows, now: number, leaseMs: number, budgetPeriod?: BudgetPeriod): Promise<CounterValues> {
    const shards = shardsFor(limits);
    const current = { ...currentAt(windows, now, leaseMs), ...(budgetPeriod ? { budget: budgetWindow(budgetPeriod, now) } : {}) };
    return scaled(await this.store.read({ keyId, shard: 0 }, current), shards);
  }
}

/** An account's own counter item: account ids ("acct_…") and key ids ("key_…") never coincide. */
const accountRef = (accountId: string): ShardRef => ({ keyId: accountId, shard: 0 });

function budgetSettlement(ticket: BudgetTicket, costNano: number) {
  return { tag: ticket.window.tag, slot: ticket.window.slot, correction: costNano - ticket.reserved, cost: costNano };
}

function chargeFor(limits: Limits, shard: number, shards: number, reserved: number, expiresAt: number): ShardCharge {
  const share = (l: number | null) => shareOf(l, shard, shards);
  const rpm = share(limits.requestsPerMinute);
  const tpm = share(limits.tokensPerMinute);
  const tpmo = share(limits.tokensPerMonth);
  const slots = share(limits.concurrentRequests);
  return {
    ...(slots !== null ? { lease: { limit: slots } } : {}),
    minute: { reserved, ...(rpm !== null ? { requests: { amount: 1, ceiling: rpm - 1 } } : {}), ...(tpm !== null ? { tokens: { amount: reserved, ceiling: tpm - reserved } } : {}) },
    month: { reserved, ...(tpmo !== null ? { tokens: { amount: reserved, ceiling: tpmo - reserved } } : {}) },
    expiresAt,
  };
}
