// Provider health for one instance: a circuit breaker and live latency per route, shared with the other
// instances through a HealthStore (DynamoDB in AWS).
//
// Hot-path invariant: deciding (admit, routing inputs) reads only memory. The store is read in the
// background when the cached records are older than `cacheMs` (the request that notices decides on the
// cached state; the first requests of a cold instance decide on defaults), and written in the background:
// counts and latency at most once per `flushMs` per instance, phase changes (open, probe claim, close) at
// once, since they are rare (bounded by the cooldown) and are what protects the other instances.
// The one wait allowed: a route whose cooldown is over, when every other route already failed, waits for
// its probe claim (one conditional write) instead of answering 503.
// If the store cannot be reached, each instance keeps breaking and probing on its own.
import { randomUUID } from 'node:crypto';
import type { HealthConfig } from '../../config';
import type { ModelSpec, Route } from '../catalog';
import type { Clock } from '../clock';
import { isProviderFault, type Admission, type AttemptObserver, type AttemptReport, type Target } from '../fallback';
import type { RoutingInputs } from '../routing';
import type { BreakerChange } from '../telemetry';
import * as B from './breaker';
import { blend, sampleOf, type LatencyStats } from './latency';
import { addCounts, type HealthCounts, type HealthStore, type RouteHealth } from './store';

export interface HealthOptions {
  store: HealthStore;
  clock: Clock;
  /** The catalog: every route of these models whose provider is configured gets a breaker. */
  models: readonly ModelSpec[];
  configured: (provider: string) => boolean;
  policy?: Partial<B.BreakerPolicy>;
  /** How long read records are trusted before a background refresh. */
  cacheMs: number;
  /** Counts and latency are written at most this often per instance. */
  flushMs: number;
  /** A latency average older than this is re-measured (speed routing) and then replaced, not blended. */
  remeasureMs: number;
  onBreakerChange?: (change: BreakerChange) => void;
  /** The probe owner's name in the shared record; random per instance by default. */
  instanceId?: string;
}

export const routeKey = (r: Route): string => `${r.provider}#${r.upstreamModel}`;

interface View {
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
  probeInFlight: boolean;
  claim?: Promise<boolean>;
  remeasuredAt: number;
}

/** `b` gathered after `a`: a newer window drops the older one's counts, the failure run carries over. */
function combine(a: HealthCounts | undefined, b: HealthCounts): HealthCounts {
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

export class HealthMonitor implements AttemptObserver {
  readonly instanceId: string;
  readonly policy: B.BreakerPolicy;
  private readonly views = new Map<string, View>();
  private readonly byModel = new Map<string, View[]>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private fetchedAt = -Infinity;
  private refreshing = false;
  private lastFlush = -Infinity;
  private flushing = false;
  private flushTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly o: HealthOptions) {
    this.instanceId = o.instanceId ?? randomUUID();
    this.policy = { ...B.DEFAULT_POLICY, ...o.policy };
    for (const model of o.models) {
      for (const route of model.routes) {
        const key = routeKey(route);
        if (!o.configured(route.provider) || this.views.has(key)) continue;
        this.views.set(key, {
          key, route, model: model.id, breaker: B.CLOSED, unconfirmed: false, latencyDirty: false, probeInFlight: false, remeasuredAt: -Infinity,
        });
      }
    }
  }

  private now(): number {
    return this.o.clock.now();
  }

  /** The views of a model's configured routes, in the catalog's order. */
  private modelViews(model: ModelSpec): View[] {
    let out = this.byModel.get(model.id);
    if (!out) {
      out = model.routes.map((r) => this.views.get(routeKey(r))).filter((v): v is View => v !== undefined);
      this.byModel.set(model.id, out);
    }
    return out;
  }

  private usable(v: View, now: number): boolean {
    const verdict = B.verdict(v.breaker, now, this.instanceId, this.policy);
    return verdict === 'call' || verdict === 'claim' || (verdict === 'probe' && !v.probeInFlight);
  }

  /** The route that would serve the model now: its first one the breaker lets through. */
  private servingView(model: ModelSpec, now: number): View | undefined {
    return this.modelViews(model).find((v) => this.usable(v, now));
  }

  /** Phase of a route as this instance sees it (for tests, the admin view and metrics). */
  phase(route: Route): B.Phase | undefined {
    return this.views.get(routeKey(route))?.breaker.phase;
  }

  /** Live latency of a route: measured values, the model's catalog defaults where none exist. */
  latencyOf(route: Route, model: ModelSpec): { ttftMs: number; tokensPerSecond: number } | undefined {
    const stats = this.views.get(routeKey(route))?.latency;
    if (!stats) return undefined;
    return {
      ttftMs: stats.ttftMs ?? model.latency.ttftMs,
      tokensPerSecond: stats.msPerToken ? 1000 / stats.msPerToken : model.latency.tokensPerSecond,
    };
  }

  /** What routing needs to know: which models can be served, how fast, and which one to re-measure. */
  routingInputs(): Pick<RoutingInputs, 'available' | 'latency' | 'remeasure'> {
    this.refreshIfStale();
    const now = this.now();
    return {
      available: (m) => this.servingView(m, now) !== undefined,
      latency: (m) => {
        const v = this.servingView(m, now);
        return v ? this.latencyOf(v.route, m) : undefined;
      },
      remeasure: (models) => {
        for (const m of models.slice(1)) {
          const v = this.servingView(m, now);
          if (!v?.latency || now - Math.max(v.latency.at, v.remeasuredAt) < this.o.remeasureMs) continue;
          v.remeasuredAt = now;
          return m;
        }
        return undefined;
      },
    };
  }

  admit(target: Target): Admission {
    this.refreshIfStale();
    const v = this.views.get(routeKey(target.route));
    if (!v) return 'call';
    switch (B.verdict(v.breaker, this.now(), this.instanceId, this.policy)) {
      case 'call':
        return 'call';
      case 'skip':
        return 'skip';
      case 'probe':
        if (v.probeInFlight) return 'skip';
        v.probeInFlight = true;
        return 'call';
      case 'claim':
        void this.claim(v);
        return 'last-resort';
    }
  }

  async lastResort(target: Target): Promise<boolean> {
    const v = this.views.get(routeKey(target.route));
    if (!v) return false;
    if (B.verdict(v.breaker, this.now(), this.instanceId, this.policy) === 'claim') await this.claim(v);
    if (B.verdict(v.breaker, this.now(), this.instanceId, this.policy) !== 'probe' || v.probeInFlight) return false;
    v.probeInFlight = true;
    return true;
  }

  onResult(target: Target, report: AttemptReport): void {
    const v = this.views.get(routeKey(target.route));
    if (!v) return;
    const now = this.now();
    if (report.ok) this.measure(v, target.model, report, now);
    const probe = v.probeInFlight && v.breaker.phase === 'half-open' && v.breaker.probeOwner === this.instanceId;
    if (report.error && !isProviderFault(report.error)) {
      // The request's own fault says nothing about the route: the probe is free for another request.
      if (probe) v.probeInFlight = false;
      return;
    }
    if (probe) {
      v.probeInFlight = false;
      this.transition(v, B.probed(v.breaker, report.ok, now, this.policy));
      return;
    }
    // A call that started before the breaker opened tells nothing new.
    if (v.breaker.phase !== 'closed') return;
    const windowStart = B.windowOf(now, this.policy);
    v.pending = combine(v.pending, {
      windowStart,
      calls: 1,
      failures: report.ok ? 0 : 1,
      trailing: report.ok ? 0 : 1,
      sawSuccess: report.ok,
    });
    if (!this.maybeOpen(v, now)) this.scheduleFlush();
  }

  private measure(v: View, model: ModelSpec, report: AttemptReport, now: number): void {
    const msPerToken = v.latency?.msPerToken ?? 1000 / model.latency.tokensPerSecond;
    v.latency = blend(v.latency, sampleOf(report, { msPerToken }), now, this.o.remeasureMs);
    v.latencyDirty = true;
  }

  /** The breaker with every count this instance knows of, including those not yet written. */
  private effective(v: View, now: number): B.BreakerState {
    let s = v.breaker;
    if (v.sent) s = addCounts(s, v.sent);
    if (v.pending) s = addCounts(s, v.pending);
    return B.rolled(s, now, this.policy);
  }

  private maybeOpen(v: View, now: number): boolean {
    const s = this.effective(v, now);
    if (!B.shouldOpen(s, this.policy)) return false;
    this.transition(v, B.opened(s, now, this.policy));
    return true;
  }

  private setBreaker(v: View, next: B.BreakerState): void {
    const from = v.breaker.phase;
    v.breaker = next;
    if (from !== next.phase) {
      this.o.onBreakerChange?.({ provider: v.route.provider, model: v.model, upstreamModel: v.route.upstreamModel, from, to: next.phase, at: this.now() });
    }
  }

  /** Applies a phase change here at once, and writes it if the shared record has not moved meanwhile. */
  private transition(v: View, next: B.BreakerState): void {
    const expected = v.breaker.version;
    this.setBreaker(v, next);
    // The counts were part of the decision; a new phase starts from zero.
    v.pending = undefined;
    v.unconfirmed = true;
    if (next.phase === 'open') v.probeInFlight = false;
    this.track(
      this.o.store.transition(v.key, expected, next, this.now()).then(
        ({ won, record }) => {
          v.unconfirmed = false;
          if (!won) this.adopt(v, record, true);
        },
        () => {
          v.unconfirmed = false;
        },
      ),
    );
  }

  /** Claims the probe of a route whose cooldown (or another's lease) ran out. Resolves to whether we hold it. */
  private claim(v: View): Promise<boolean> {
    if (v.claim) return v.claim;
    const expected = v.breaker;
    const next = B.claimed(expected, this.now(), this.instanceId, this.policy);
    const done = this.o.store.transition(v.key, expected.version, next, this.now()).then(
      ({ won, record }) => {
        if (won) {
          v.probeInFlight = false;
          this.setBreaker(v, next);
        } else this.adopt(v, record, true);
        return won;
      },
      () => {
        // No store: the probe is this instance's own decision.
        v.probeInFlight = false;
        this.setBreaker(v, next);
        return true;
      },
    );
    v.claim = done.finally(() => {
      v.claim = undefined;
    });
    this.track(v.claim);
    return v.claim;
  }

  /** Takes a record read from the store; `authoritative` when it is the answer to our own write. */
  private adopt(v: View, record: RouteHealth, authoritative = false): void {
    if (authoritative || !v.unconfirmed || record.breaker.version >= v.breaker.version) {
      if (record.breaker.phase !== 'half-open' || record.breaker.probeOwner !== this.instanceId) v.probeInFlight = false;
      this.setBreaker(v, record.breaker);
    }
    if (record.latency && !v.latencyDirty && (!v.latency || record.latency.at >= v.latency.at)) v.latency = record.latency;
  }

  private refreshIfStale(): void {
    const now = this.now();
    if (this.refreshing || now - this.fetchedAt < this.o.cacheMs) return;
    this.fetchedAt = now;
    this.refreshing = true;
    this.track(
      this.o.store
        .load([...this.views.keys()])
        .then(
          (records) => {
            for (const [key, record] of records) {
              const v = this.views.get(key);
              if (!v) continue;
              this.adopt(v, record);
              this.maybeOpen(v, this.now());
            }
          },
          () => undefined,
        )
        .finally(() => {
          this.refreshing = false;
        }),
    );
  }

  /** Loads the shared records in the background (at cold start: requests before it lands use defaults). */
  start(): void {
    this.refreshIfStale();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.flushing) return;
    const wait = this.lastFlush + this.o.flushMs - this.now();
    if (wait <= 0) {
      void this.flush();
      return;
    }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, wait);
    this.flushTimer.unref?.();
  }

  /** Writes the counts and latency gathered since the last write, one small update per changed route. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushing = true;
    this.lastFlush = this.now();
    const writes: Promise<void>[] = [];
    let failed = false;
    for (const v of this.views.values()) {
      if (!v.pending && !v.latencyDirty) continue;
      const counts = v.pending ?? { windowStart: B.windowOf(this.now(), this.policy), calls: 0, failures: 0, trailing: 0, sawSuccess: false };
      const latency = v.latencyDirty ? v.latency : undefined;
      v.sent = counts;
      v.pending = undefined;
      v.latencyDirty = false;
      writes.push(
        this.o.store.add(v.key, counts, latency, this.now()).then(
          (record) => {
            v.sent = undefined;
            this.adopt(v, record);
            this.maybeOpen(v, this.now());
          },
          () => {
            failed = true;
            v.pending = v.pending ? combine(counts, v.pending) : counts;
            v.sent = undefined;
            if (latency) v.latencyDirty = true;
          },
        ),
      );
    }
    const all = Promise.all(writes).then(() => {
      this.flushing = false;
      // Results that arrived during the write wait for the next turn, not for the next result. After a
      // failed write, only new results try again: a store that is down is not retried in a loop.
      if (!failed && [...this.views.values()].some((v) => v.pending || v.latencyDirty)) this.scheduleFlush();
    });
    this.track(all);
    await all;
  }

  /**
   * After a response's last byte: writes what is due and waits for the background work, so a Lambda
   * instance is not frozen in the middle of a write.
   */
  async settle(): Promise<void> {
    const due = this.now() - this.lastFlush >= this.o.flushMs;
    if (due && [...this.views.values()].some((v) => v.pending || v.latencyDirty)) void this.flush();
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
  }
}

/** A monitor with the configured pattern; the probe lease is one cooldown long. */
export function healthMonitor(config: HealthConfig, parts: Pick<HealthOptions, 'store' | 'clock' | 'models' | 'configured' | 'onBreakerChange'>): HealthMonitor {
  const { failureThreshold, errorRate, minCalls, windowMs, cooldownMs, cacheMs, flushMs, remeasureMs } = config;
  return new HealthMonitor({
    ...parts,
    policy: { failureThreshold, errorRate, minCalls, windowMs, cooldownMs, probeLeaseMs: Math.max(cooldownMs, 1_000) },
    cacheMs,
    flushMs,
    remeasureMs,
  });
}
