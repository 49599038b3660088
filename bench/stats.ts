// Order statistics for latency samples.

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at] as number;
}

export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: sorted.length ? sum / sorted.length : Number.NaN };
}

/**
 * Samples taken in rounds: p99 and mean over all of them, p50 the median of the rounds' own p50s, so that
 * a burst of the host's noise during a minority of rounds does not move it. `spread` is the lowest and
 * highest round p50.
 */
export function summariseRounds(rounds: readonly (readonly number[])[]): Summary & { spread: [number, number] } {
  const pooled = summarise(rounds.flat());
  const p50s = rounds.map((r) => summarise(r).p50).sort((a, b) => a - b);
  return { ...pooled, p50: median(p50s), spread: [p50s[0] ?? Number.NaN, p50s[p50s.length - 1] ?? Number.NaN] };
}

export function median(samples: readonly number[]): number {
  return summarise(samples).p50;
}

export const round = (x: number, digits = 2): number => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);
