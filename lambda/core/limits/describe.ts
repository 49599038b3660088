// Limits in words, for people (npm start's banner): "10,000 requests and 50,000,000 tokens per minute, ...".
import type { Limits } from '../plans';

const n = (v: number) => v.toLocaleString('en-US');
const per = (v: number | null, what: string) => (v === null ? `unlimited ${what}` : `${n(v)} ${what}`);

export function describeLimits(limits: Limits): string {
  const minute =
    limits.requestsPerMinute !== null && limits.tokensPerMinute !== null
      ? `${n(limits.requestsPerMinute)} requests and ${n(limits.tokensPerMinute)} tokens per minute`
      : `${per(limits.requestsPerMinute, 'requests per minute')}, ${per(limits.tokensPerMinute, 'tokens per minute')}`;
  const output = limits.maxTokensPerRequest === null ? "max_tokens up to each model's maximum" : `max_tokens up to ${n(limits.maxTokensPerRequest)}`;
  return `${minute}, ${per(limits.tokensPerMonth, 'tokens per month')}, ${per(limits.concurrentRequests, 'concurrent requests')}, ${output}`;
}
