// The port the limiter counts through. The DynamoDB implementation (lambda/store/limit-store.ts) keeps two
// items per key that admission touches: one per minute window (requests and tokens of that minute) and one
// for the key itself (concurrency leases and the month's tokens). Each operation is one UpdateItem on one
// item (or one read), conditional where it admits, so every change is atomic on its own and the limiter
// composes them without transactions.

/** A conditional addition: lands only if the value before adding is at most `ceiling` (absent counts as 0). */
export interface Charge {
  amount: number;
  /** Conditions cannot do arithmetic, so the caller passes limit - amount. */
  ceiling: number;
}

export interface MinuteCharge {
  /** The minute window id (see windows.ts). */
  window: string;
  /** Absent: requests per minute are unlimited and not counted. */
  requests?: Charge;
  /** Absent: tokens per minute are unlimited and not counted. */
  tokens?: Charge;
  /** The item may be deleted after this instant (epoch ms): its window is long over. */
  expiresAt: number;
}

export interface KeyCharge {
  /** A concurrency slot: taken only while fewer than `limit` leases are held. */
  lease?: { id: string; expiresAt: number; limit: number };
  /** Tokens of a calendar month (window id "YYYY-MM"). */
  month?: Charge & { window: string };
  /** A month whose counter is no longer needed by anyone (two before the current): dropped in passing. */
  staleMonth: string;
  /** The item may be deleted after this instant (epoch ms): no lease or month counter in it is needed then. */
  expiresAt: number;
}

/** Unconditional additions (settlement, undoing a refused admission); may be negative. */
export interface MinuteAdjustment {
  window: string;
  requests?: number;
  tokens?: number;
  expiresAt: number;
}

export interface KeySettlement {
  /** The lease to give back, if the request held one. */
  leaseId?: string;
  /** Tokens to add to (or take from) a month's counter. */
  month?: { window: string; amount: number };
}

export type ChargeResult<T> = { ok: true; values: T } | { ok: false };

/** Current values, read without writing; absent items read as 0. */
export interface CounterValues {
  requestsMinute: number;
  tokensMinute: number;
  tokensMonth: number;
  /** Concurrency leases currently held (expired ones included until reclaimed). */
  active: number;
}

export interface LimitStore {
  /** Charges the minute item: every counter given lands, or none does (a single conditional update). */
  chargeMinute(keyId: string, charge: MinuteCharge): Promise<ChargeResult<{ requests: number; tokens: number }>>;
  /** Charges the key item: the lease and the month's tokens land together, or neither does. */
  chargeKey(keyId: string, charge: KeyCharge): Promise<ChargeResult<{ active: number; tokensMonth: number }>>;
  adjustMinute(keyId: string, adjustment: MinuteAdjustment): Promise<void>;
  /**
   * Gives the lease back and moves the month's tokens, in one update when the lease is still held. The
   * lease is given back at most once; the tokens always move. Returns whether the lease was still held.
   */
  settleKey(keyId: string, settlement: KeySettlement): Promise<boolean>;
  /** Gives a slot back; idempotent (false when the lease was not held any more). */
  releaseLease(keyId: string, leaseId: string): Promise<boolean>;
  /** Extends a held lease; false when it is no longer held (it was reclaimed). */
  renewLease(keyId: string, leaseId: string, expiresAt: number): Promise<boolean>;
  /**
   * Frees every lease whose expiry is before `now` (its holder died without releasing). `freed` is true when
   * expired leases were found, so taking a slot is worth another try; `active` and `tokensMonth` (of
   * `month`) are the key item as read, which tells a full month from full concurrency.
   */
  reclaimExpiredLeases(keyId: string, now: number, month: string): Promise<{ freed: boolean; active: number; tokensMonth: number }>;
  read(keyId: string, windows: { minute: string; month: string }): Promise<CounterValues>;
}
