// Durations come from a monotonic clock, never from the injectable wall clock (core/clock.ts): tests stop
// that clock to control windows and cooldowns, and a measured latency must stay a real one.

/** Starts timing; the returned function gives the milliseconds elapsed since (fractional). */
export function stopwatch(): () => number {
  const t0 = performance.now();
  return () => performance.now() - t0;
}
