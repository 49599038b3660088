// Everything between an instance's views and the shared HealthStore, all of it in the background:
// re-reading records older than `cacheMs`, writing counts and latency at most every `flushMs`, and writing
// phase changes (open, close) and probe claims at once, as compare-and-set on the record's version.
// Nothing here is awaited on the hot path; `settle` lets the edge wait for it after the last byte.
import { detached } from '../background';
import type { Clock } from '../clock';
import type { BreakerChange } from '../telemetry';
import * as B from './breaker';
import type { HealthStore, RouteHealth } from './store';
import { combine, effective, type View } from './view';

export interface SyncOptions {
  store: HealthStore;
  clock: Clock;
  policy: B.BreakerPolicy;
  instanceId: string;
  cacheMs: number;
  flushMs: number;
  onBreakerChange?: (change: BreakerChange) => void;
}

export class HealthSync {
  private readonly inFlight = new Set<Promise<unknown>>();
  private fetchedAt = -Infinity;
  private refreshing = false;
  private lastFlush = -Infinity;
  private flushing = false;
  private flushTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly o: SyncOptions,
    private readonly views: ReadonlyMap<string, View>,
  ) {}

  private now(): number {
    return this.o.clock.now();
  }

  setBreaker(v: View, next: B.BreakerState): void {
    const from = v.breaker.phase;
    v.breaker = next;
    if (from !== next.phase) {
      this.o.onBreakerChange?.({ provider: v.route.provider, model: v.model, upstreamModel: v.route.upstreamModel, from, to: next.phase, at: this.now() });
    }
  }

  /** Opens the breaker if the counts this instance knows of call for it. */
  maybeOpen(v: View): boolean {
    const now = this.now();
    const s = effective(v, now, this.o.policy);
    if (!B.shouldOpen(s, this.o.policy)) return false;
    this.transition(v, B.opened(s, now, this.o.policy));
    return true;
  }

  /** Applies a phase change here at once, and writes it if the shared record has not moved meanwhile. */
  transition(v: View, next: B.BreakerState): void {
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
  claim(v: View): Promise<boolean> {
    if (v.claim) return v.claim;
    const next = B.claimed(v.breaker, this.now(), this.o.instanceId, this.o.policy);
    const done = this.o.store.transition(v.key, v.breaker.version, next, this.now()).then(
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
      if (record.breaker.phase !== 'half-open' || record.breaker.probeOwner !== this.o.instanceId) v.probeInFlight = false;
      this.setBreaker(v, record.breaker);
    }
    if (record.latency && !v.latencyDirty && (!v.latency || record.latency.at >= v.latency.at)) v.latency = record.latency;
  }

  refreshIfStale(): void {
    const now = this.now();
    if (this.refreshing || now - this.fetchedAt < this.o.cacheMs) return;
    this.fetchedAt = now;
    this.refreshing = true;
    this.track(
      detached(() => this.o.store.load([...this.views.keys()]))
        .then(
          (records) => {
            for (const [key, record] of records) {
              const v = this.views.get(key);
              if (!v) continue;
              this.adopt(v, record);
              this.maybeOpen(v);
            }
          },
          () => undefined,
        )
        .finally(() => {
          this.refreshing = false;
        }),
    );
  }

  private hasUnwritten(): boolean {
    return [...this.views.values()].some((v) => v.pending || v.latencyDirty);
  }

  scheduleFlush(): void {
    if (this.flushTimer || this.flushing) return;
    const wait = this.lastFlush + this.o.flushMs - this.now();
    if (wait <= 0) {
      void detached(() => this.flush());
      return;
    }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void detached(() => this.flush());
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
      const counts = v.pending ?? { windowStart: B.windowOf(this.now(), this.o.policy), calls: 0, failures: 0, trailing: 0, sawSuccess: false };
      const latency = v.latencyDirty ? v.latency : undefined;
      v.sent = counts;
      v.pending = undefined;
      v.latencyDirty = false;
      writes.push(
        this.o.store.add(v.key, counts, latency, this.now()).then(
          (record) => {
            v.sent = undefined;
            this.adopt(v, record);
            this.maybeOpen(v);
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
      if (!failed && this.hasUnwritten()) this.scheduleFlush();
    });
    this.track(all);
    await all;
  }

  /** Writes what is due, then waits for every background read and write. */
  async settle(): Promise<void> {
    if (this.now() - this.lastFlush >= this.o.flushMs && this.hasUnwritten()) void detached(() => this.flush());
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
  }
}
