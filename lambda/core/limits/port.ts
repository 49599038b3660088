// The port the limiter counts through. The DynamoDB implementation (lambda/store/limit-store.ts) makes each
// operation one conditional UpdateItem (or one read), so every change is atomic on its own and the
// limiter composes them without transactions.

/** The three windowed counters a key has. */
export type CounterKind = 'requests-minute' | 'tokens-minute' | 'tokens-month';

export interface CounterAdd {
  kind: CounterKind;
  /** The window id (see windows.ts). */
  window: string;
  /** May be negative (compensation, settlement). */
  amount: number;
  /**
   * Add only if the value before adding is at most this (absent counts as 0). Conditions cannot do
   * arithmetic, so the caller passes limit - amount. Absent: add unconditionally.
   */
  ceiling?: number;
  /** The counter may be deleted after this instant (epoch ms): its window is long over. */
  expiresAt: number;
}

export type AddResult = { ok: true; value: number } | { ok: false };

/** Current values, read without writing; absent items read as 0. */
export interface CounterValues {
  requestsMinute: number;
  tokensMinute: number;
  tokensMonth: number;
  /** Concurrency leases currently held (expired ones included until reclaimed). */
  active: number;
}

export interface LimitStore {
  add(keyId: string, op: CounterAdd): Promise<AddResult>;
  /** Takes a concurrency slot: admitted only while fewer than `limit` leases are held. */
  acquireLease(keyId: string, leaseId: string, expiresAt: number, limit: number): Promise<{ ok: true; active: number } | { ok: false }>;
  /** Extends a held lease; false when it is no longer held (it was reclaimed). */
  renewLease(keyId: string, leaseId: string, expiresAt: number): Promise<boolean>;
  /** Gives a slot back; idempotent (false when the lease was not held any more). */
  releaseLease(keyId: string, leaseId: string): Promise<boolean>;
  /**
   * Frees every lease whose expiry is before `now` (its holder died without releasing). True when expired
   * leases were found, so taking a slot is worth another try.
   */
  reclaimExpiredLeases(keyId: string, now: number): Promise<boolean>;
  read(keyId: string, windows: { minute: string; month: string }): Promise<CounterValues>;
}
