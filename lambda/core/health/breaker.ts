// The circuit breaker of one provider route (provider instance + upstream model), as pure functions over a
// plain record: the same rules run on an instance's memory and on the shared DynamoDB item.
//
// The pattern (defaults in DEFAULT_POLICY, each configurable, see config.ts):
// - closed -> open after `failureThreshold` (5) consecutive failures, or when more than `errorRate` (50%)
//   of at least `minCalls` (10) calls in the current window of `windowMs` (60 s) failed. Windows are
//   aligned to multiples of windowMs, so every instance counts into the same window.
// - open: the route is skipped for `cooldownMs` (30 s) after it opened.
// - half-open: after the cooldown, one instance claims the probe (compare-and-set on `version`), holds
//   it for `probeLeaseMs`, and sends exactly one request. Success closes the breaker with fresh counters;
//   failure opens it for another cooldown. A lease that ran out unused may be claimed by anyone.
// What counts as a failure is decided by the caller (see countsAgainst in monitor.ts).

export type Phase = 'closed' | 'open' | 'half-open';

export interface BreakerState {
  phase: Phase;
  /** Bumped by every phase change: the compare-and-set token for shared updates. Counters do not bump it. */
  version: number;
  /** Start of the window `calls` and `failures` belong to (epoch ms, a multiple of windowMs). */
  windowStart: number;
  calls: number;
  failures: number;
  /** Failures since the last success, across windows. */
  consecutive: number;
  /** When the breaker last opened; the cooldown runs from here. */
  openedAt: number;
  /** Half-open: the instance holding the probe, and until when. */
  probeOwner?: string;
  probeUntil?: number;
}

export interface BreakerPolicy {
  failureThreshold: number;
  /** A fraction: 0.5 opens when more than half of the window's calls failed. */
  errorRate: number;
  minCalls: number;
  windowMs: number;
  cooldownMs: number;
  probeLeaseMs: number;
}

export const DEFAULT_POLICY: BreakerPolicy = {
  failureThreshold: 5,
  errorRate: 0.5,
  minCalls: 10,
  windowMs: 60_000,
  cooldownMs: 30_000,
  probeLeaseMs: 30_000,
};

export const CLOSED: BreakerState = { phase: 'closed', version: 0, windowStart: 0, calls: 0, failures: 0, consecutive: 0, openedAt: 0 };

/**
 * What the breaker says about a call now: `call` (closed), `skip`, `probe` (this instance holds the
 * probe lease), or `claim` (the cooldown or a lease ran out: whoever claims first may probe).
 */
export type BreakerVerdict = 'call' | 'skip' | 'probe' | 'claim';

export function windowOf(now: number, policy: BreakerPolicy): number {
  return now - (now % Math.max(policy.windowMs, 1));
}

/** The counters as they stand in the window containing `now` (a past window counts as empty). */
export function rolled(s: BreakerState, now: number, policy: BreakerPolicy): BreakerState {
  const windowStart = windowOf(now, policy);
  return s.windowStart === windowStart ? s : { ...s, windowStart, calls: 0, failures: 0 };
}

export function verdict(s: BreakerState, now: number, self: string, policy: BreakerPolicy): BreakerVerdict {
  if (s.phase === 'closed') return 'call';
  if (s.phase === 'open') return now >= s.openedAt + policy.cooldownMs ? 'claim' : 'skip';
  if ((s.probeUntil ?? 0) <= now) return 'claim';
  return s.probeOwner === self ? 'probe' : 'skip';
}

export function shouldOpen(s: BreakerState, policy: BreakerPolicy): boolean {
  if (s.phase !== 'closed') return false;
  if (s.consecutive >= policy.failureThreshold) return true;
  return s.calls >= policy.minCalls && s.failures > policy.errorRate * s.calls;
}

/** A closed breaker after one more call. It may now need opening: check with shouldOpen. */
export function counted(s: BreakerState, ok: boolean, now: number, policy: BreakerPolicy): BreakerState {
  const r = rolled(s, now, policy);
  return { ...r, calls: r.calls + 1, failures: r.failures + (ok ? 0 : 1), consecutive: ok ? 0 : r.consecutive + 1 };
}

export function opened(s: BreakerState, now: number, policy: BreakerPolicy): BreakerState {
  return { phase: 'open', version: s.version + 1, windowStart: windowOf(now, policy), calls: 0, failures: 0, consecutive: 0, openedAt: now };
}

export function claimed(s: BreakerState, now: number, self: string, policy: BreakerPolicy): BreakerState {
  return { ...s, phase: 'half-open', version: s.version + 1, probeOwner: self, probeUntil: now + policy.probeLeaseMs };
}

export function closed(s: BreakerState, now: number, policy: BreakerPolicy): BreakerState {
  return { phase: 'closed', version: s.version + 1, windowStart: windowOf(now, policy), calls: 0, failures: 0, consecutive: 0, openedAt: s.openedAt };
}

/** The breaker after the probe's answer. */
export function probed(s: BreakerState, ok: boolean, now: number, policy: BreakerPolicy): BreakerState {
  return ok ? closed(s, now, policy) : opened(s, now, policy);
}
