import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../lambda/wire/errors';
import type { CanonicalRequest } from '../../../lambda/core/canonical/request';
import { user } from '../../helpers/provider';
import { findModel } from '../../helpers/catalog';
import { type ModelSpec } from '../../../lambda/core/catalog';
import { rateLimitHeaders, retryAfterSeconds } from '../../../lambda/core/limits/headers';
import { describeLimits } from '../../../lambda/core/limits/describe';
import { checkMaxTokens, outputCap, reservationFor } from '../../../lambda/core/limits/policy';
import { windowsAt } from '../../../lambda/core/limits/windows';
import { PLANS, type Limits } from '../../../lambda/core/plans';
import { estimatePromptTokens } from '../../../lambda/core/tokens';

const request = (extra: Partial<CanonicalRequest> = {}): CanonicalRequest => ({
  model: 'gpt-4.1',
  messages: [user('Summarise the plan table in one line.')],
  stream: false,
  sampling: {},
  ...extra,
});
const model = (id: string) => findModel(id) as ModelSpec;
const free = PLANS.free.limits;
const enterprise = PLANS.enterprise.limits;

describe('max_tokens against the plan', () => {
  it('rejects a cap above the plan maximum with a 400 naming max_tokens and the limit', () => {
    const err = (() => {
      try {
        checkMaxTokens(request({ maxOutputTokens: 4_097 }), free);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({ status: 400, param: 'max_tokens' });
    expect((err as Error).message).toContain('4096 max tokens per request');
    expect(() => checkMaxTokens(request({ maxOutputTokens: 4_096 }), free)).not.toThrow();
    expect(() => checkMaxTokens(request({ maxOutputTokens: 128_000 }), enterprise)).not.toThrow();
  });

  it('defaults an absent cap to the smaller of the plan maximum and the model maximum', () => {
    expect(outputCap(request(), model('gpt-4.1'), free)).toBe(4_096);
    expect(outputCap(request(), model('gpt-4.1'), PLANS.pro.limits)).toBe(32_768);
    expect(outputCap(request(), model('llama-3.3-70b'), PLANS.pro.limits)).toBe(8_192);
    expect(outputCap(request(), model('gpt-5'), enterprise)).toBe(128_000);
    expect(outputCap(request({ maxOutputTokens: 100 }), model('gpt-5'), enterprise)).toBe(100);
  });

  it('reserves the estimated prompt plus the largest cap any planned model may use', () => {
    const r = request({ maxOutputTokens: undefined });
    const { promptTokens, reserved } = reservationFor(r, [model('llama-3.3-70b'), model('gpt-4.1')], PLANS.pro.limits);
    expect(promptTokens).toBe(estimatePromptTokens(r));
    expect(reserved).toBe(promptTokens + 32_768);
  });
});

describe('rate-limit headers', () => {
  const limits: Limits = { requestsPerMinute: 10, tokensPerMinute: 40_000, tokensPerMonth: 100_000, concurrentRequests: 2, maxTokensPerRequest: 4_096 };
  const at = Date.UTC(2026, 0, 15, 12, 0, 20);
  const windows = windowsAt(at);

  it('reports per-minute requests and tokens as OpenAI does, plus the month and concurrency', () => {
    const h = rateLimitHeaders(limits, { requestsMinute: 3, tokensMinute: 1_500, tokensMonth: 90_000, active: 1 }, windows);
    expect(h).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '7',
      'x-ratelimit-reset-requests': '2026-01-15T12:01:00Z',
      'x-ratelimit-limit-tokens': '40000',
      'x-ratelimit-remaining-tokens': '38500',
      'x-ratelimit-reset-tokens': '2026-01-15T12:01:00Z',
      'x-ratelimit-limit-tokens-month': '100000',
      'x-ratelimit-remaining-tokens-month': '10000',
      'x-ratelimit-reset-tokens-month': '2026-02-01T00:00:00Z',
      'x-ratelimit-limit-concurrent-requests': '2',
      'x-ratelimit-remaining-concurrent-requests': '1',
    });
  });

  it('never reports a negative remainder (settlement may push a counter past its limit)', () => {
    const h = rateLimitHeaders(limits, { requestsMinute: 10, tokensMinute: 41_000, tokensMonth: 0, active: 0 }, windows);
    expect(h['x-ratelimit-remaining-tokens']).toBe('0');
  });

  it('leaves out a dimension that is unlimited', () => {
    const h = rateLimitHeaders({ ...limits, tokensPerMonth: null, concurrentRequests: null }, { requestsMinute: 0, tokensMinute: 0, tokensMonth: 0, active: 0 }, windows);
    expect(Object.keys(h).some((k) => k.includes('month') || k.includes('concurrent'))).toBe(false);
    expect(h['x-ratelimit-limit-requests']).toBe('10');
  });

  it('asks a refused client to come back when the window resets', () => {
    expect(retryAfterSeconds('requestsPerMinute', windows, at)).toBe(40);
    expect(retryAfterSeconds('tokensPerMonth', windows, at)).toBe(Math.ceil((Date.UTC(2026, 1, 1) - at) / 1000));
    expect(retryAfterSeconds('concurrentRequests', windows, at)).toBe(1);
  });
});

describe('limits in words', () => {
  it("states the enterprise defaults the dev account gets from npm start", () => {
    expect(describeLimits(PLANS.enterprise.limits)).toBe(
      "10,000 requests and 50,000,000 tokens per minute, unlimited tokens per month, 500 concurrent requests, max_tokens up to each model's maximum",
    );
    expect(describeLimits(PLANS.free.limits)).toBe(
      '10 requests and 40,000 tokens per minute, 100,000 tokens per month, 2 concurrent requests, max_tokens up to 4,096',
    );
  });
});
