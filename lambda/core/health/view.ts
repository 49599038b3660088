// One route as one instance sees it: the shared record as last read or written, plus what this instance
// has learned since and not yet written.
import type { Route } from '../catalog';
import * as B from './breaker';
import type { LatencyStats } from './latency';
import { addCounts, type HealthCounts } from './store';

export const routeKey = (r: Route): string => `${r.provider}#${r.upstreamModel}`;

export interface View {
  key: string;
  route: Route;
  /** The catalog model the route serves (metrics and logs name routes by it). */
  model: string;
  breaker: B.BreakerState;
  /** A phase change of ours whose write has not come back yet: older records must not undo it. */
  unconfirmed: boolean;
  pending?: HealthCounts;
  /** Counts written but not yet acknowledged: still part of what this instance decides on. */
  sent?: HealthCounts;
  latency?: LatencyStats;
  latencyDirty: boolean;
  /** This instance holds the probe and has sent it. */
  probeInFlight: boolean;
  claim?: Promise<boolean>;
  remeasuredAt: number;
}

export function newView(route: Route, model: string): View {
  return {
    key: routeKey(route),
    route,
    model,
    breaker: B.CLOSED,
    unconfirmed: false,
    latencyDirty: false,
    probeInFlight: false,
    remeasuredAt: -Infinity,
  };
}

/** `b` gathered after `a`: a newer window drops the older one's counts, the failure run carries over. */
export function combine(a: HealthCounts | undefined, b: HealthCounts): HealthCounts {
  if (!a) return b;
  const same = a.windowStart === b.windowStart;
  return {
    windowStart: b.windowStart,
    calls: (same ? a.calls : 0) + b.calls,
    failures: (same ? a.failures : 0) + b.failures,
    trailing: b.sawSuccess ? b.trailing : a.trailing + b.trailing,
    sawSuccess: a.sawSuccess || b.sawSuccess,
  };
}

/** The breaker with every count this instance knows of, including those not yet written. */
export function effective(v: View, now: number, policy: B.BreakerPolicy): B.BreakerState {
  let s = v.breaker;
  if (v.sent) s = addCounts(s, v.sent);
  if (v.pending) s = addCounts(s, v.pending);
  return B.rolled(s, now, policy);
}

/** Whether a call may go to the route now (a claimable probe counts: someone will get it). */
export function usable(v: View, now: number, self: string, policy: B.BreakerPolicy): boolean {
  const verdict = B.verdict(v.breaker, now, self, policy);
  return verdict === 'call' || verdict === 'claim' || (verdict === 'probe' && !v.probeInFlight);
}
