// Admission and settlement against a key's limits, exact across every instance that shares the store.
//
// Admission is ONE round of at most two parallel conditional updates (no reads, no transactions): the
// minute item takes +1 request and +reservation tokens, the key item takes a concurrency lease and
// +reservation month tokens. Each update admits only if every limit it carries still has room, atomically
// in the store, and lands whole or not at all. If one is refused, the other (if it went through) is undone
// (compensated) before the request is refused, so a refused request leaves the counters as it found them.
// Consequence: a limit is never exceeded; while limits on both items are contended, a request may be
// refused because of another request's reservation that is being undone.
//
// Settlement moves the token counters from the reservation to the real usage, on the windows of admission,
// and gives the lease back: one update per item (the lease and the month's tokens share one).
import type { Limits } from '../plans';
import type { LimitName } from './policy';
import type { CounterValues, KeyCharge, LimitStore } from './port';
import { monthBefore, type Windows } from './windows';

/** Counters outlive their window by this much, so a settlement that arrives late still finds them. */
const COUNTER_GRACE_MS = 60 * 60_000;
/** The key item outlives its last lease by a day: longer than any request can run. */
const LEASE_GRACE_MS = 86_400_000;

export interface AdmitInput {
  keyId: string;
  limits: Limits;
  reserved: number;
  leaseId: string;
  leaseExpiresAt: number;
  windows: Windows;
  now: number;
}

/** What admission took, so settlement can give back exactly that. */
export interface Ticket {
  keyId: string;
  windows: Windows;
  reserved: number;
  /** Whether the reservation was charged to the minute's and the month's token counters (null limits are not counted). */
  minuteTokens: boolean;
  monthTokens: boolean;
  leaseId?: string;
}

export type AdmitOutcome =
  | { admitted: true; ticket: Ticket; values: CounterValues }
  | {
      admitted: false;
      limit: LimitName;
      /** The reservation alone is above the limit: waiting cannot help. */
      tooLarge: boolean;
      /** The counters as read after the refusal was undone (absent when not read or unreadable). */
      values?: CounterValues;
    };

interface Step {
  run: () => Promise<boolean>;
  undo: () => Promise<unknown>;
  /** Which limit refused, once known. */
  refusal: (values: CounterValues | undefined) => LimitName;
}

export class Limiter {
  constructor(private readonly store: LimitStore) {}

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    const { keyId, limits, reserved, windows } = input;
    for (const limit of ['tokensPerMinute', 'tokensPerMonth'] as const) {
      const max = limits[limit];
      if (max !== null && reserved > max) return { admitted: false, limit, tooLarge: true };
    }
    const { requestsPerMinute: rpm, tokensPerMinute: tpm, tokensPerMonth: tpmo, concurrentRequests: slots } = limits;
    const values: CounterValues = { requestsMinute: 0, tokensMinute: 0, tokensMonth: 0, active: 0 };
    const steps: Step[] = [];

    if (rpm !== null || tpm !== null) {
      const expiresAt = windows.minuteResetsAt + COUNTER_GRACE_MS;
      steps.push({
        run: async () => {
          const r = await this.store.chargeMinute(keyId, {
            window: windows.minute,
            ...(rpm !== null ? { requests: { amount: 1, ceiling: rpm - 1 } } : {}),
            ...(tpm !== null ? { tokens: { amount: reserved, ceiling: tpm - reserved } } : {}),
            expiresAt,
          });
          if (r.ok) [values.requestsMinute, values.tokensMinute] = [r.values.requests, r.values.tokens];
          return r.ok;
        },
        undo: () =>
          this.store.adjustMinute(keyId, {
            window: windows.minute,
            ...(rpm !== null ? { requests: -1 } : {}),
            ...(tpm !== null ? { tokens: -reserved } : {}),
            expiresAt,
          }),
        refusal: (read) => minuteRefusal(limits, reserved, read),
      });
    }

    if (slots !== null || tpmo !== null) {
      const charge: KeyCharge = {
        ...(slots !== null ? { lease: { id: input.leaseId, expiresAt: input.leaseExpiresAt, limit: slots } } : {}),
        ...(tpmo !== null ? { month: { window: windows.month, amount: reserved, ceiling: tpmo - reserved } } : {}),
        staleMonth: monthBefore(windows.month, 2),
        expiresAt: Math.max(input.leaseExpiresAt + LEASE_GRACE_MS, windows.monthResetsAt + COUNTER_GRACE_MS),
      };
      let refusal: LimitName = slots === null ? 'tokensPerMonth' : 'concurrentRequests';
      steps.push({
        run: async () => {
          let r = await this.store.chargeKey(keyId, charge);
          if (!r.ok && slots !== null) {
            // Full. The read this takes tells a full month from full concurrency; when concurrency is what
            // is full, leases whose holder died (expired, never released) are freed, then one more try. This
            // second round happens only when the key is at one of these limits.
            const seen = await this.store.reclaimExpiredLeases(keyId, input.now, windows.month);
            const monthFull = tpmo !== null && seen.tokensMonth > tpmo - reserved;
            refusal = monthFull ? 'tokensPerMonth' : 'concurrentRequests';
            if (!monthFull && seen.freed) r = await this.store.chargeKey(keyId, charge);
          }
          if (r.ok) [values.active, values.tokensMonth] = [r.values.active, r.values.tokensMonth];
          return r.ok;
        },
        undo: () =>
          this.store.settleKey(keyId, {
            ...(slots !== null ? { leaseId: input.leaseId } : {}),
            ...(tpmo !== null ? { month: { window: windows.month, amount: -reserved } } : {}),
          }),
        refusal: () => refusal,
      });
    }

    const results = await Promise.allSettled(steps.map((s) => s.run()));
    const refused = steps.find((_, i) => results[i]?.status === 'fulfilled' && results[i].value === false);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!refused && !failed) {
      return {
        admitted: true,
        values,
        ticket: { keyId, windows, reserved, minuteTokens: tpm !== null, monthTokens: tpmo !== null, ...(slots !== null ? { leaseId: input.leaseId } : {}) },
      };
    }
    // Undo what went through, so the refusal leaves no trace. Best effort when the store is failing.
    await Promise.allSettled(steps.filter((_, i) => results[i]?.status === 'fulfilled' && results[i].value === true).map((s) => s.undo()));
    if (failed) throw failed.reason;
    // The values after the undo: for the response's headers, and to name which minute limit refused.
    const read = await this.store.read(keyId, windows).catch(() => undefined);
    return { admitted: false, limit: refused!.refusal(read), tooLarge: false, ...(read ? { values: read } : {}) };
  }

  /** Moves the token counters from the reservation to `usedTokens` and frees the slot, in one parallel round. */
  async settle(ticket: Ticket, usedTokens: number): Promise<void> {
    const delta = usedTokens - ticket.reserved;
    const { keyId, windows } = ticket;
    const ops: Array<Promise<unknown>> = [];
    if (ticket.minuteTokens && delta !== 0) {
      ops.push(this.store.adjustMinute(keyId, { window: windows.minute, tokens: delta, expiresAt: windows.minuteResetsAt + COUNTER_GRACE_MS }));
    }
    const month = ticket.monthTokens && delta !== 0 ? { window: windows.month, amount: delta } : undefined;
    if (ticket.leaseId || month) ops.push(this.store.settleKey(keyId, { ...(ticket.leaseId ? { leaseId: ticket.leaseId } : {}), ...(month ? { month } : {}) }));
    const results = await Promise.allSettled(ops);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  renew(ticket: Ticket, expiresAt: number): Promise<boolean> {
    return ticket.leaseId ? this.store.renewLease(ticket.keyId, ticket.leaseId, expiresAt) : Promise.resolve(true);
  }

  read(keyId: string, windows: Windows): Promise<CounterValues> {
    return this.store.read(keyId, windows);
  }
}

/**
 * Which limit of the minute item refused. Only one may be set; with both, the counters read after the
 * refusal tell (the one without room for this request; if both have room again by then, the fuller one).
 */
function minuteRefusal(limits: Limits, reserved: number, read: CounterValues | undefined): LimitName {
  const { requestsPerMinute: rpm, tokensPerMinute: tpm } = limits;
  if (rpm === null) return 'tokensPerMinute';
  if (tpm === null || !read) return 'requestsPerMinute';
  if (read.requestsMinute + 1 > rpm) return 'requestsPerMinute';
  if (read.tokensMinute + reserved > tpm) return 'tokensPerMinute';
  return read.requestsMinute / rpm >= read.tokensMinute / tpm ? 'requestsPerMinute' : 'tokensPerMinute';
}
