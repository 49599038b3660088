// The port the limiter counts through. The DynamoDB implementation (lambda/store/limit-store.ts) keeps one
// constant-size item per key shard holding everything admission and settlement touch: the concurrency
// leases, the requests and tokens of the current minute, the tokens of the current month, and the last
// settled request's usage record. Each operation is one UpdateItem on that item, conditional where it
// admits, so every change is atomic on its own and no request costs more than one write to admit and one
// to settle, whatever the load.
import type { LimitName } from './policy';

/** A conditional addition: lands only if the value before adding is at most `ceiling` (absent counts as 0). */
export interface Charge {
  amount: number;
  /** Conditions cannot do arithmetic, so the caller passes limit - amount. */
  ceiling: number;
}

/** One shard of a key's counters: keys with high request limits spread their writes over several items. */
export interface ShardRef {
  keyId: string;
  shard: number;
}

/** Where "now" falls: the windows a request is counted in. */
export interface Current {
  /** The lease epoch (see leases in windows.ts): leases last renewed two epochs ago or earlier are dead. */
  epoch: number;
  /** The minute window id (floor(epoch ms / 60 000)). */
  minute: number;
  /** "YYYY-MM", UTC. */
  month: string;
  /** The budget period of the item's budget, when it has one (see budget.ts). */
  budget?: { tag: number; slot: number };
}

export interface ShardCharge {
  /** A concurrency slot in the current epoch, taken only while fewer than `limit` live leases are held. */
  lease?: { limit: number };
  /** Requests and tokens of the current minute; an absent charge is counted but not limited. */
  minute: { requests?: Charge; tokens?: Charge; reserved: number };
  /** Tokens of the current month; counted but not limited when `tokens` is absent. */
  month: { tokens?: Charge; reserved: number };
  /** Nano-USD of the current budget period (`Current.budget`): the request's worst-case cost. */
  budget?: { spend?: Charge; reserved: number };
  /** The item may be deleted after this instant (epoch ms): nothing in it is needed then. */
  expiresAt: number;
}

/** Current values as counted; dead leases are not counted as active. */
export interface CounterValues {
  requestsMinute: number;
  tokensMinute: number;
  tokensMonth: number;
  active: number;
  /** With a budget period (`Current.budget`): nano-USD spent in it, settled costs plus running requests' reservations. */
  budgetSpent?: number;
  /** With a budget period: nano-USD requests have settled in it (what budget alerts watch). */
  budgetSettled?: number;
}

export type ShardAdmission = { ok: true; values: CounterValues } | { ok: false; refused: LimitName | 'budget'; values: CounterValues };

export interface ShardSettlement {
  /** The lease to give back: the epoch it was last renewed into. */
  lease?: { epoch: number };
  /** Token corrections (used - reserved) to the windows of admission; one whose window is over is dropped. */
  minute?: { window: number; tokens: number };
  month?: { window: string; tokens: number };
  /** The budget period of admission: the spend moves from the reservation to the cost (`cost - reserved`). */
  budget?: { tag: number; slot: number; correction: number; cost: number };
  /**
   * The request's usage record (JSON): the table's stream carries it to the usage aggregator. Only the key's
   * own counter item gets it; an account's budget item settles without one.
   */
  record?: string;
  expiresAt: number;
}

export interface Settled {
  /** False when the lease had been reclaimed as dead before the settlement gave it back. */
  leaseHeld: boolean;
  /** With a budget: nano-USD settled in the period of admission, this request included (undefined once it is over). */
  budgetSettled?: number;
}

export interface LimitStore {
  /** Takes the charges if every limit has room, in one conditional write (dead leases reclaimed in passing). */
  admit(ref: ShardRef, charge: ShardCharge, now: Current): Promise<ShardAdmission>;
  /** Gives the lease back (once: false if it had been reclaimed), corrects the tokens, stores the record. */
  settle(ref: ShardRef, settlement: ShardSettlement): Promise<Settled>;
  /** Moves a held lease from epoch `from` into the current one; false when it is no longer held. */
  renew(ref: ShardRef, from: number, now: Current): Promise<boolean>;
  read(ref: ShardRef, now: Current): Promise<CounterValues>;
}
