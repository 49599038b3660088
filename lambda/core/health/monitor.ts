// Provider health for one instance: a circuit breaker and live latency per route, shared with the other
// instances through a HealthStore (DynamoDB in AWS). This module decides; sync.ts does the store I/O.
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
import { countsAgainstRoute, type Admission, type AttemptObserver, type AttemptReport, type Target } from '../fallback';
import type { RoutingInputs } from '../routing';
import type { BreakerChange } from '../telemetry';
import * as B from './breaker';
import { blend, sampleOf } from './latency';
import type { HealthStore } from './store';
import { HealthSync } from './sync';
import { combine, newView, routeKey, usable, type View } from './view';

export { routeKey } from './view';

export interface HealthOptions {
  store: HealthStore;
  clock: Clock;
  /** The catalog: every route of these models whose provider is configured gets a breaker. */
  models: readonly ModelSpec[];
  configured: (provider: Route['provider']) => boolean;
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

export class HealthMonitor implements AttemptObserver {
  readonly instanceId: string;
  readonly policy: B.BreakerPolicy;
  private readonly views = new Map<string, View>();
  private readonly byModel = new Map<string, View[]>();
  private readonly sync: HealthSync;

  constructor(private readonly o: HealthOptions) {
    this.instanceId = o.instanceId ?? randomUUID();
    this.policy = { ...B.DEFAULT_POLICY, ...o.policy };
    this.track(o.models);
    this.sync = new HealthSync({ ...o, policy: this.policy, instanceId: this.instanceId }, this.views);
  }

  private now(): number {
    return this.o.clock.now();
  }

  /** Gives the configured routes of these models a breaker if they have none (models added to the catalog). */
  track(models: readonly ModelSpec[]): void {
    for (const model of models) {
      for (const route of model.routes) {
        if (this.o.configured(route.provider) && !this.views.has(routeKey(route))) this.views.set(routeKey(route), newView(route, model.id));
      }
    }
    this.byModel.clear();
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

  /** The route that would serve the model now: its first one the breaker lets through. */
  private servingView(model: ModelSpec, now: number): View | undefined {
    return this.modelViews(model).find((v) => usable(v, now, this.instanceId, this.policy));
  }

  /** Phase of a route as this instance sees it. */
  phase(route: Route): B.Phase | undefined {
    return this.views.get(routeKey(route))?.breaker.phase;
  }

  /** Live latency of a route: measured values, the model's catalog defaults for what is not measured yet. */
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
    this.sync.refreshIfStale();
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
    this.sync.refreshIfStale();
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
        void this.sync.claim(v);
        return 'last-resort';
    }
  }

  async lastResort(target: Target): Promise<boolean> {
    const v = this.views.get(routeKey(target.route));
    if (!v) return false;
    if (B.verdict(v.breaker, this.now(), this.instanceId, this.policy) === 'claim') await this.sync.claim(v);
    if (B.verdict(v.breaker, this.now(), this.instanceId, this.policy) !== 'probe' || v.probeInFlight) return false;
    v.probeInFlight = true;
    return true;
  }

  onResult(target: Target, report: AttemptReport): void {
    const v = this.views.get(routeKey(target.route));
    if (!v) return;
    const now = this.now();
    if (report.ok) {
      const msPerToken = v.latency?.msPerToken ?? 1000 / target.model.latency.tokensPerSecond;
      v.latency = blend(v.latency, sampleOf(report, { msPerToken }), now, this.o.remeasureMs);
      v.latencyDirty = true;
    }
    const probe = v.probeInFlight && v.breaker.phase === 'half-open' && v.breaker.probeOwner === this.instanceId;
    if (report.error && !countsAgainstRoute(report.error)) {
      // The request's own fault says nothing about the route: the probe is free for another request.
      if (probe) v.probeInFlight = false;
      return;
    }
    if (probe) {
      v.probeInFlight = false;
      this.sync.transition(v, B.probed(v.breaker, report.ok, now, this.policy));
      return;
    }
    // A call that started before the breaker opened tells nothing new.
    if (v.breaker.phase !== 'closed') return;
    v.pending = combine(v.pending, {
      windowStart: B.windowOf(now, this.policy),
      calls: 1,
      failures: report.ok ? 0 : 1,
      trailing: report.ok ? 0 : 1,
      sawSuccess: report.ok,
    });
    if (!this.sync.maybeOpen(v)) this.sync.scheduleFlush();
  }

  /** Loads the shared records in the background (at cold start: requests before it lands use defaults). */
  start(): void {
    this.sync.refreshIfStale();
  }

  /** Writes counts and latency now, whatever the interval (shutdown, tests). */
  flush(): Promise<void> {
    return this.sync.flush();
  }

  /**
   * After a response's last byte: writes what is due and waits for the background work, so a Lambda
   * instance is not frozen in the middle of a write.
   */
  settle(): Promise<void> {
    return this.sync.settle();
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
