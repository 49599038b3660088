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
  if (limits.requestsPerMinute !== null) {
    h['x-ratelimit-limit-requests'] = String(limits.requestsPerMinute);
    h['x-ratelimit-remaining-requests'] = remaining(limits.requestsPerMinute, values.requestsMinute);
    h['x-ratelimit-reset-requests'] = rfc3339(windows.minuteResetsAt);
  }
  if (limits.tokensPerMinute !== null) {
    h['x-ratelimit-limit-tokens'] = String(limits.tokensPerMinute);
    h['x-ratelimit-remaining-tokens'] = remaining(limits.tokensPerMinute, values.tokensMinute);
    h['x-ratelimit-reset-tokens'] = rfc3339(windows.minuteResetsAt);
  }
  if (limits.tokensPerMonth !== null) {
    h['x-ratelimit-limit-tokens-month'] = String(limits.tokensPerMonth);
    h['x-ratelimit-remaining-tokens-month'] = remaining(limits.tokensPerMonth, values.tokensMonth);
    h['x-ratelimit-reset-tokens-month'] = rfc3339(windows.monthResetsAt);
  }
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
