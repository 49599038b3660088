// Live latency of one provider route, from real traffic: time to first token and time per output token,
// each a rolling exponentially weighted average. `routing: "speed"` ranks by them where they exist.
//
// Invariants:
// - Time per token is averaged (not tokens per second), because expected latency is linear in it.
// - An average older than `staleMs` is replaced by the next sample, not blended: a route avoided for
//   being slow is re-measured (see monitor.ts remeasure) and must be able to win back at once.

export interface LatencyStats {
  ttftMs?: number;
  msPerToken?: number;
  /** When the last sample arrived (epoch ms). */
  at: number;
}

export interface LatencySample {
  ttftMs?: number;
  msPerToken?: number;
}

/** Weight of a new sample. */
export const LATENCY_ALPHA = 0.3;

function mix(old: number | undefined, sample: number | undefined, keep: number): number | undefined {
  if (sample === undefined) return old;
  if (old === undefined) return sample;
  return keep * old + (1 - keep) * sample;
}

export function blend(prev: LatencyStats | undefined, sample: LatencySample, now: number, staleMs: number): LatencyStats {
  const keep = prev && now - prev.at < staleMs ? 1 - LATENCY_ALPHA : 0;
  return {
    ttftMs: mix(prev?.ttftMs, sample.ttftMs, keep),
    msPerToken: mix(prev?.msPerToken, sample.msPerToken, keep),
    at: now,
  };
}

/**
 * One finished call as a sample. A stream gives both halves: the first token's delay, then the rest over
 * the tokens after it. A non-streamed call only shows its total: what the current per-token estimate
 * does not explain is attributed to the first token.
 */
export function sampleOf(
  call: { ms: number; ttftMs?: number; completionTokens?: number },
  current: { msPerToken: number },
): LatencySample {
  const tokens = call.completionTokens ?? 0;
  if (call.ttftMs !== undefined) {
    const rest = Math.max(call.ms - call.ttftMs, 0);
    return { ttftMs: call.ttftMs, ...(tokens > 1 ? { msPerToken: Math.max(rest, 1) / (tokens - 1) } : {}) };
  }
  return { ttftMs: Math.max(call.ms - tokens * current.msPerToken, 0) };
}
