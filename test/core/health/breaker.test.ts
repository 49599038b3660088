// The breaker's rules as pure functions over a record, driven by a ManualClock.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lambda/core/clock';
import {
  CLOSED,
  DEFAULT_POLICY,
  claimed,
  counted,
  opened,
  probed,
  shouldOpen,
  verdict,
  windowOf,
  type BreakerState,
} from '../../../lambda/core/health/breaker';

const P = DEFAULT_POLICY;

function run(results: boolean[], clock: ManualClock, start: BreakerState = CLOSED, stepMs = 0): BreakerState {
  let s = start;
  for (const ok of results) {
    s = counted(s, ok, clock.now(), P);
    if (shouldOpen(s, P)) s = opened(s, clock.now(), P);
    clock.advance(stepMs);
  }
  return s;
}

describe('breaker pattern', () => {
  it('documents its defaults: 5 consecutive failures, >50% of >=10 calls in 60 s, 30 s cooldown', () => {
    expect(P).toMatchObject({ failureThreshold: 5, errorRate: 0.5, minCalls: 10, windowMs: 60_000, cooldownMs: 30_000 });
  });

  it('opens on the fifth consecutive failure, not the fourth', () => {
    const clock = new ManualClock();
    expect(run([false, false, false, false], clock).phase).toBe('closed');
    expect(run([false, false, false, false, false], clock).phase).toBe('open');
  });

  it('a success resets the run of failures', () => {
    const clock = new ManualClock();
    const s = run([false, false, false, false, true, false, false, false, false], clock);
    expect(s.phase).toBe('closed');
    expect(s.consecutive).toBe(4);
  });

  it('opens when more than half of at least 10 calls in the window failed', () => {
    const clock = new ManualClock();
    // 6 of 10 failed, never 5 in a row.
    const mixed = [false, false, true, false, false, true, false, false, true, true];
    expect(mixed.filter((ok) => !ok)).toHaveLength(6);
    expect(run(mixed, clock).phase).toBe('open');
    // Exactly half is not more than half.
    expect(run([false, true, false, true, false, true, false, true, false, true], new ManualClock()).phase).toBe('closed');
    // 6 of 9 is not enough calls to judge by rate.
    expect(run([false, false, true, false, false, true, false, false, true], new ManualClock()).phase).toBe('closed');
  });

  it('forgets the counts of a window that has passed', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    let s = run([false, false, true, false, false, true, false, false, true], clock);
    expect(s.calls).toBe(9);
    clock.advance(P.windowMs);
    s = run([false], clock, s);
    expect(s.phase).toBe('closed');
    expect(s.calls).toBe(1);
    expect(s.windowStart).toBe(windowOf(clock.now(), P));
  });

  it('skips while open, then lets one claimant probe; success closes, failure reopens', () => {
    const clock = new ManualClock();
    const open = run([false, false, false, false, false], clock);
    expect(verdict(open, clock.now(), 'a', P)).toBe('skip');
    clock.advance(P.cooldownMs - 1);
    expect(verdict(open, clock.now(), 'a', P)).toBe('skip');
    clock.advance(1);
    expect(verdict(open, clock.now(), 'a', P)).toBe('claim');

    const half = claimed(open, clock.now(), 'a', P);
    expect(half.version).toBe(open.version + 1);
    expect(verdict(half, clock.now(), 'a', P)).toBe('probe');
    expect(verdict(half, clock.now(), 'b', P)).toBe('skip');

    const closed = probed(half, true, clock.now(), P);
    expect(closed.phase).toBe('closed');
    expect(closed).toMatchObject({ calls: 0, failures: 0, consecutive: 0 });
    expect(verdict(closed, clock.now(), 'b', P)).toBe('call');

    const reopened = probed(half, false, clock.now(), P);
    expect(reopened.phase).toBe('open');
    expect(reopened.openedAt).toBe(clock.now());
    expect(verdict(reopened, clock.now(), 'a', P)).toBe('skip');
  });

  it('a probe lease that ran out unused can be claimed by anyone', () => {
    const clock = new ManualClock();
    const half = claimed(opened(CLOSED, clock.now(), P), clock.now() + P.cooldownMs, 'a', P);
    clock.advance(P.cooldownMs + P.probeLeaseMs);
    expect(verdict(half, clock.now(), 'b', P)).toBe('claim');
  });
});
