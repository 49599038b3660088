// The port through which instances share provider health: one small record per route. The core never
// imports the AWS SDK; lambda/store/health-store.ts implements this on the counters table, and
// MemoryHealthStore below implements it in memory (tests, and several monitors in one process).
import { CLOSED, type BreakerState } from './breaker';
import type { LatencyStats } from './latency';

export interface RouteHealth {
  breaker: BreakerState;
  latency?: LatencyStats;
}

/** Counts one instance gathered since its last write. */
export interface HealthCounts {
  /** The window the counts belong to. */
  windowStart: number;
  calls: number;
  failures: number;
  /** Failures after the last success (all of them when there was no success). */
  trailing: number;
  sawSuccess: boolean;
}

export interface HealthStore {
  /** The records of these routes; routes without one are absent from the map. */
  load(routes: readonly string[]): Promise<Map<string, RouteHealth>>;
  /**
   * Adds counts into the route's window (starting that window if the stored one is older) and replaces
   * the latency average when one is given. Never changes the phase. Returns the record after the write.
   */
  add(route: string, counts: HealthCounts, latency: LatencyStats | undefined, now: number): Promise<RouteHealth>;
  /**
   * Writes `next` as the route's breaker if the stored version is still `expectedVersion` (a missing
   * record has version 0). Returns whether it won and the record as it now stands.
   */
  transition(route: string, expectedVersion: number, next: BreakerState, now: number): Promise<{ won: boolean; record: RouteHealth }>;
}

/** Folds counts into a stored breaker, the way both implementations do. */
export function addCounts(breaker: BreakerState, counts: HealthCounts): BreakerState {
  const same = breaker.windowStart === counts.windowStart;
  if (!same && breaker.windowStart > counts.windowStart) {
    // Counts for a window that has already passed: only the run of failures still means something.
    return { ...breaker, consecutive: counts.sawSuccess ? counts.trailing : breaker.consecutive + counts.trailing };
  }
  return {
    ...breaker,
    windowStart: counts.windowStart,
    calls: (same ? breaker.calls : 0) + counts.calls,
    failures: (same ? breaker.failures : 0) + counts.failures,
    consecutive: counts.sawSuccess ? counts.trailing : breaker.consecutive + counts.trailing,
  };
}

export class MemoryHealthStore implements HealthStore {
  private readonly records = new Map<string, RouteHealth>();

  async load(routes: readonly string[]): Promise<Map<string, RouteHealth>> {
    const out = new Map<string, RouteHealth>();
    for (const r of routes) {
      const rec = this.records.get(r);
      if (rec) out.set(r, structuredClone(rec));
    }
    return out;
  }

  async add(route: string, counts: HealthCounts, latency: LatencyStats | undefined, _now?: number): Promise<RouteHealth> {
    const rec = this.records.get(route) ?? { breaker: CLOSED };
    const next: RouteHealth = { breaker: addCounts(rec.breaker, counts), latency: latency ?? rec.latency };
    this.records.set(route, next);
    return structuredClone(next);
  }

  async transition(route: string, expectedVersion: number, next: BreakerState, _now?: number): Promise<{ won: boolean; record: RouteHealth }> {
    const rec = this.records.get(route) ?? { breaker: CLOSED };
    if (rec.breaker.version !== expectedVersion) return { won: false, record: structuredClone(rec) };
    const updated = { ...rec, breaker: next };
    this.records.set(route, updated);
    return { won: true, record: structuredClone(updated) };
  }
}
