// The X-RateLimit-* headers, computed from counter values the caller just read or wrote, so they are true
// at the time of the response. Requests and tokens are the per-minute limits (OpenAI's meaning of these
// headers); the month and concurrency limits get headers of their own. A dimension whose limit is
// unlimited (an enterprise custom limit of null) has nothing to report and gets no headers.
import type { Limits } from '../plans';
import type { LimitName } from './policy';
import type { CounterValues } from './port';
import { rfc3339, secondsUntil, type Windows } from './windows';

const remaining = (limit: number, used: number) => String(Math.max(0, limit - used));

export function rateLimitHeaders(limits: Limits, values: CounterValues, windows: Windows): Record<string, string> {
  const h: Record<string, string> = {};
  const window = (suffix: string, limit: number | null, used: number, resetsAt: number) => {
    if (limit === null) return;
    h[`x-ratelimit-limit-${suffix}`] = String(limit);
    h[`x-ratelimit-remaining-${suffix}`] = remaining(limit, used);
    h[`x-ratelimit-reset-${suffix}`] = rfc3339(resetsAt);
  };
  window('requests', limits.requestsPerMinute, values.requestsMinute, windows.minuteResetsAt);
  window('tokens', limits.tokensPerMinute, values.tokensMinute, windows.minuteResetsAt);
  window('tokens-month', limits.tokensPerMonth, values.tokensMonth, windows.monthResetsAt);
  if (limits.concurrentRequests !== null) {
    h['x-ratelimit-limit-concurrent-requests'] = String(limits.concurrentRequests);
    h['x-ratelimit-remaining-concurrent-requests'] = remaining(limits.concurrentRequests, values.active);
  }
  return h;
}

/**
 * Seconds until the refused limit can have room again: the end of its window; for concurrency, one second
 * (a slot frees whenever a running request ends, which cannot be known in advance).
 */
export function retryAfterSeconds(limit: LimitName, windows: Windows, now: number): number {
  if (limit === 'concurrentRequests') return 1;
  return secondsUntil(limit === 'tokensPerMonth' ? windows.monthResetsAt : windows.minuteResetsAt, now);
}
