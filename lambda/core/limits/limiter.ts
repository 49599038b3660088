// Admission and settlement against a key's limits, exact across every instance that shares the store.
//
// Admission is ONE round of parallel conditional updates (no reads, no transactions): +1 on the minute's
// request counter, +reservation on the minute's and the month's token counters, and a concurrency lease.
// Each update admits only if its own limit still has room, atomically in the store. If any is refused, the
// ones that went through are undone (compensated) before the request is refused, so a refused request
// leaves the counters as it found them. Consequence: a limit is never exceeded; while two limits are both
// contended, a request may be refused because of another request's reservation that is being undone.
//
// Settlement moves the token counters from the reservation to the real usage, on the windows of admission,
// and gives the lease back.
import type { Limits } from '../plans';
import type { LimitName } from './policy';
import type { CounterKind, CounterValues, LimitStore } from './port';
import type { Windows } from './windows';

/** Counters outlive their window by this much, so a settlement that arrives late still finds them. */
const COUNTER_GRACE_MS = 60 * 60_000;

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
  /** Which token counters were charged the reservation (null limits are not counted). */
  tokenCounters: CounterKind[];
  leaseId?: string;
}

export type AdmitOutcome =
  | { admitted: true; ticket: Ticket; values: CounterValues }
  | { admitted: false; limit: LimitName; /** The reservation alone is above the limit: waiting cannot help. */ tooLarge: boolean };

interface Step {
  limit: LimitName;
  run: () => Promise<boolean>;
  undo: () => Promise<unknown>;
  /** The value after this step's own update, for the headers. */
  value?: number;
}

export class Limiter {
  constructor(private readonly store: LimitStore) {}

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    const { keyId, limits, reserved, windows } = input;
    for (const limit of ['tokensPerMinute', 'tokensPerMonth'] as const) {
      const max = limits[limit];
      if (max !== null && reserved > max) return { admitted: false, limit, tooLarge: true };
    }

    const values: CounterValues = { requestsMinute: 0, tokensMinute: 0, tokensMonth: 0, active: 0 };
    const steps: Step[] = [];
    const tokenCounters: CounterKind[] = [];
    const counter = (limit: LimitName, kind: CounterKind, window: string, amount: number, max: number, expiresAt: number, field: keyof CounterValues) => {
      const step: Step = {
        limit,
        run: async () => {
          const r = await this.store.add(keyId, { kind, window, amount, ceiling: max - amount, expiresAt });
          if (r.ok) values[field] = r.value;
          return r.ok;
        },
        undo: () => this.store.add(keyId, { kind, window, amount: -amount, expiresAt }),
      };
      steps.push(step);
    };
    if (limits.requestsPerMinute !== null) {
      counter('requestsPerMinute', 'requests-minute', windows.minute, 1, limits.requestsPerMinute, windows.minuteResetsAt + COUNTER_GRACE_MS, 'requestsMinute');
    }
    if (limits.tokensPerMinute !== null) {
      tokenCounters.push('tokens-minute');
      counter('tokensPerMinute', 'tokens-minute', windows.minute, reserved, limits.tokensPerMinute, windows.minuteResetsAt + COUNTER_GRACE_MS, 'tokensMinute');
    }
    if (limits.tokensPerMonth !== null) {
      tokenCounters.push('tokens-month');
      counter('tokensPerMonth', 'tokens-month', windows.month, reserved, limits.tokensPerMonth, windows.monthResetsAt + COUNTER_GRACE_MS, 'tokensMonth');
    }
    const concurrency = limits.concurrentRequests;
    if (concurrency !== null) {
      steps.push({
        limit: 'concurrentRequests',
        run: async () => {
          let r = await this.store.acquireLease(keyId, input.leaseId, input.leaseExpiresAt, concurrency);
          // Full: leases whose holder died (expired, never released) are freed, then one more try. This
          // second round happens only when the key is at its concurrency limit.
          if (!r.ok && (await this.store.reclaimExpiredLeases(keyId, input.now))) {
            r = await this.store.acquireLease(keyId, input.leaseId, input.leaseExpiresAt, concurrency);
          }
          if (r.ok) values.active = r.active;
          return r.ok;
        },
        undo: () => this.store.releaseLease(keyId, input.leaseId),
      });
    }

    const results = await Promise.allSettled(steps.map((s) => s.run()));
    const refused = steps.find((_, i) => results[i]?.status === 'fulfilled' && results[i].value === false);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!refused && !failed) {
      return {
        admitted: true,
        values,
        ticket: { keyId, windows, reserved, tokenCounters, ...(concurrency !== null ? { leaseId: input.leaseId } : {}) },
      };
    }
    // Undo what went through, so the refusal leaves no trace. Best effort when the store is failing.
    await Promise.allSettled(steps.filter((_, i) => results[i]?.status === 'fulfilled' && results[i].value === true).map((s) => s.undo()));
    if (failed) throw failed.reason;
    return { admitted: false, limit: refused!.limit, tooLarge: false };
  }

  /** Moves the token counters from the reservation to `usedTokens` and frees the slot, in one parallel round. */
  async settle(ticket: Ticket, usedTokens: number): Promise<void> {
    const delta = usedTokens - ticket.reserved;
    const ops: Array<Promise<unknown>> = [];
    for (const kind of ticket.tokenCounters) {
      if (delta === 0) break;
      const window = kind === 'tokens-month' ? ticket.windows.month : ticket.windows.minute;
      const end = kind === 'tokens-month' ? ticket.windows.monthResetsAt : ticket.windows.minuteResetsAt;
      ops.push(this.store.add(ticket.keyId, { kind, window, amount: delta, expiresAt: end + COUNTER_GRACE_MS }));
    }
    if (ticket.leaseId) ops.push(this.store.releaseLease(ticket.keyId, ticket.leaseId));
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
