// Rate limits through the official openai SDK against the in-process gateway, with a clock the test
// moves by hand: window edges, the headers on every kind of response, refusals, release of the concurrency
// slot however a request ends, and the SDK's own retry honouring Retry-After.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambda/core/clock';
import { settlementsDone } from '../../lambda/core/lifecycle';
import type { Limits } from '../../lambda/core/plans';
import type { Plan } from '../../lambda/core/records';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { clientFor, counters, leasesReleased, limitedKey, recordsOf, type LimitedKey } from '../helpers/limits';

const clock = new ManualClock();
let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway({ clock });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  t.gw.simulator?.reset();
  clock.set(Date.UTC(2026, 0, 15, 12, 0, 20));
});

const store = () => t.gw.deps.store;
const ask = (content = 'Count the windows') => ({ model: 'gpt-4.1', messages: [{ role: 'user' as const, content }] });
const GENEROUS: Limits = { requestsPerMinute: 1_000, tokensPerMinute: 1_000_000, tokensPerMonth: 10_000_000, concurrentRequests: 100, maxTokensPerRequest: null };

async function keyWith(limits: Partial<Limits>, plan: Plan = 'enterprise'): Promise<{ key: LimitedKey; client: OpenAI }> {
  const key = await limitedKey(store(), clock, { ...GENEROUS, ...limits }, plan);
  return { key, client: clientFor(t.gw.baseUrl, key.secret) };
}

type Refusal = InstanceType<typeof OpenAI.APIError> & { headers: Headers };

/** The error a request ended with; it must be an HTTP error response (so it has headers). */
async function refusal(p: Promise<unknown>): Promise<Refusal> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OpenAI.APIError) || !err.headers) throw new Error(`expected an API error response, got ${String(err)}`);
  return err as Refusal;
}

/** Until the key's requests have settled: the slot is back (so settlement has begun), and it has finished. */
async function settled(keyId: string): Promise<void> {
  await leasesReleased(store(), keyId, clock.now());
  await settlementsDone();
}

const RATE_HEADERS = [
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
];

describe('windows', () => {
  it('refuses the request over the per-minute limit until the minute rolls over', async () => {
    const { client } = await keyWith({ requestsPerMinute: 2 });
    await client.chat.completions.create(ask());
    const second = await client.chat.completions.create(ask()).withResponse();
    expect(second.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(second.response.headers.get('x-ratelimit-reset-requests')).toBe('2026-01-15T12:01:00Z');

    const err = await refusal(client.chat.completions.create(ask()));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe('rate_limit_exceeded');
    expect(err.message).toContain('requests per minute');
    expect(err.headers.get('retry-after')).toBe('40');

    clock.set(Date.UTC(2026, 0, 15, 12, 0, 59, 999));
    await refusal(client.chat.completions.create(ask()));
    clock.set(Date.UTC(2026, 0, 15, 12, 1, 0));
    const next = await client.chat.completions.create(ask()).withResponse();
    expect(next.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(next.response.headers.get('x-ratelimit-reset-requests')).toBe('2026-01-15T12:02:00Z');
  });

  it('refuses once the month is used up and admits again on the first of the next month (UTC)', async () => {
    clock.set(Date.UTC(2026, 0, 31, 23, 59, 50));
    const { client } = await keyWith({ tokensPerMonth: 120 });
    let refused: Refusal | undefined;
    for (let i = 0; i < 12 && !refused; i++) {
      refused = await client.chat.completions.create({ ...ask(), max_tokens: 30 }).then(() => undefined, (e: Refusal) => e);
    }
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused?.message).toContain('tokens per month');
    expect(refused?.headers.get('retry-after')).toBe('10');
    expect(refused?.headers.get('x-ratelimit-reset-tokens-month')).toBe('2026-02-01T00:00:00Z');

    clock.set(Date.UTC(2026, 1, 1, 0, 0, 0));
    const { response } = await client.chat.completions.create({ ...ask(), max_tokens: 30 }).withResponse();
    expect(response.headers.get('x-ratelimit-reset-tokens-month')).toBe('2026-03-01T00:00:00Z');
  });
});

describe('headers on every response of an authenticated key', () => {
  it('carries true X-RateLimit values on 200 (JSON and stream), 400, 404, 429, 5xx and GET /v1/models', async () => {
    const { key, client } = await keyWith({ requestsPerMinute: 5, tokensPerMinute: 50_000, maxTokensPerRequest: 1_000 });
    const now = () => counters(store(), key.keyId, clock.now());
    const check = async (headers: Headers, what: string) => {
      for (const name of RATE_HEADERS) expect(headers.get(name), `${what}: ${name}`).not.toBeNull();
      expect(headers.get('x-ratelimit-limit-requests'), what).toBe('5');
      expect(headers.get('x-ratelimit-limit-tokens'), what).toBe('50000');
      expect(headers.get('x-ratelimit-reset-tokens'), what).toBe('2026-01-15T12:01:00Z');
      return { requests: Number(headers.get('x-ratelimit-remaining-requests')), tokens: Number(headers.get('x-ratelimit-remaining-tokens')) };
    };

    const json = await client.chat.completions.create(ask()).withResponse();
    // Admission reserved the request's tokens; the headers say what was left at that moment.
    const afterJson = await check(json.response.headers, '200 JSON');
    expect(afterJson.requests).toBe(4);
    expect(afterJson.tokens).toBeLessThan(50_000);
    await settled(key.keyId);

    const stream = await client.chat.completions.create({ ...ask(), stream: true }).withResponse();
    for await (const _ of stream.data) void _;
    expect((await check(stream.response.headers, '200 stream')).requests).toBe(3);
    await settled(key.keyId);

    // Errors before admission consume nothing and report the counters as they are.
    const current = await now();
    // Each request is made only when its turn comes: a request started earlier could fail before it is
    // awaited (an unobserved rejection) and would run beside the others.
    for (const [what, send] of [
      ['400 invalid', () => client.chat.completions.create({ ...ask(), temperature: 3 })],
      ['400 max_tokens', () => client.chat.completions.create({ ...ask(), max_tokens: 1_001 })],
      ['404 model', () => client.chat.completions.create({ ...ask(), model: 'gpt-0' })],
    ] as const) {
      const err = await refusal(send());
      const seen = await check(err.headers, what);
      expect(seen, what).toEqual({ requests: 5 - current.requestsMinute, tokens: 50_000 - current.tokensMinute });
    }

    t.gw.simulator?.configure('openai', { fault: { kind: 'status', status: 500 } });
    const upstream = await refusal(client.chat.completions.create(ask()));
    expect(upstream.status).toBeGreaterThanOrEqual(500);
    expect((await check(upstream.headers, '5xx')).requests).toBe(2);
    t.gw.simulator?.configure('openai', { fault: undefined });

    const models = await client.models.list().withResponse();
    expect((await check(models.response.headers, 'GET /v1/models')).requests).toBe(2);

    await client.chat.completions.create(ask());
    await client.chat.completions.create(ask());
    const limited = await refusal(client.chat.completions.create(ask()));
    expect(limited.status).toBe(429);
    expect((await check(limited.headers, '429')).requests).toBe(0);
  });

  it('sends none on 401: no key was authenticated', async () => {
    const err = await refusal(clientFor(t.gw.baseUrl, 'op_' + 'x'.repeat(37)).chat.completions.create(ask()));
    expect(err.status).toBe(401);
    expect(err.headers.get('x-ratelimit-limit-requests')).toBeNull();
  });
});

describe('admission', () => {
  it('sends the plan maximum upstream when max_tokens is absent, and 400s a larger one naming the limit', async () => {
    const { client } = await keyWith({}, 'free');
    await client.chat.completions.create(ask());
    expect((t.gw.simulator?.stats('openai').lastBody as { max_output_tokens?: number }).max_output_tokens).toBe(4_096);
    const err = await refusal(client.chat.completions.create({ ...ask(), max_tokens: 5_000 }));
    expect(err.status).toBe(400);
    expect(err.param).toBe('max_tokens');
    expect(err.message).toContain('4096 max tokens per request');
  });

  it('refuses a request whose reservation alone exceeds a limit, before any upstream call', async () => {
    const { key, client } = await keyWith({ tokensPerMinute: 500 });
    const err = await refusal(client.chat.completions.create({ ...ask(), max_tokens: 600 }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.message).toMatch(/too large.*tokens per minute/i);
    expect(t.gw.simulator?.stats('openai').requests).toBe(0);
    expect(await counters(store(), key.keyId, clock.now())).toEqual({ requestsMinute: 0, tokensMinute: 0, tokensMonth: 0, active: 0 });
  });

  it('lets the SDK retry after Retry-After, and gives a RateLimitError when its retries are off', async () => {
    const { key, client } = await keyWith({ concurrentRequests: 1 });
    t.gw.simulator?.configure('openai', { ttftMs: 0, tokensPerSecond: 25 });
    const holder = await client.chat.completions.create({ ...ask(), stream: true });
    const drained = (async () => {
      for await (const _ of holder) void _;
    })();
    const err = await refusal(client.chat.completions.create(ask()));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.message).toContain('concurrent requests');
    expect(err.headers.get('retry-after')).toBe('1');

    const patient = clientFor(t.gw.baseUrl, key.secret, 1);
    const started = Date.now();
    const answer = await patient.chat.completions.create(ask());
    expect(answer.choices[0]?.message.content).toBeTruthy();
    // The SDK's own first back-off is under a second; waiting at least one means it used Retry-After.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    await drained;
  });
});

describe('the concurrency slot is released however a request ends', () => {
  const one = { concurrentRequests: 1 };

  it('normal end, JSON and streamed', async () => {
    const { key, client } = await keyWith(one);
    await client.chat.completions.create(ask());
    await settled(key.keyId);
    const stream = await client.chat.completions.create({ ...ask(), stream: true });
    for await (const _ of stream) void _;
    await settled(key.keyId);
    await client.chat.completions.create(ask());
  });

  it('upstream 500', async () => {
    const { key, client } = await keyWith(one);
    t.gw.simulator?.configure('openai', { fault: { kind: 'status', status: 500 } });
    expect((await refusal(client.chat.completions.create(ask()))).status).toBeGreaterThanOrEqual(500);
    await settled(key.keyId);
    const [record] = await recordsOf(store(), key.accountId, 1);
    expect(record).toMatchObject({ status: 'upstream_error', totalTokens: 0, modelUsed: null });
    // Nothing was generated: the reservation is given back entirely.
    expect((await counters(store(), key.keyId, clock.now())).tokensMinute).toBe(0);
  });

  it('upstream stream cut mid-way', async () => {
    const { key, client } = await keyWith(one);
    t.gw.simulator?.configure('openai', { fault: { kind: 'cut', afterTokens: 3 } });
    const stream = await client.chat.completions.create({ ...ask(), stream: true });
    let content = '';
    const err = await (async () => {
      for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    })().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    await settled(key.keyId);
    const [record] = await recordsOf(store(), key.accountId, 1);
    expect(record).toMatchObject({ status: 'stream_error', usageSource: 'estimated', completionTokens: 3 });
    expect(content.trim().split(/\s+/)).toHaveLength(3);
    expect((await counters(store(), key.keyId, clock.now())).tokensMinute).toBe(record!.totalTokens);
  });

  it('client abort mid-stream: as in Lambda, the answer runs to its end, is metered in full, and the slot comes back then', async () => {
    const { key, client } = await keyWith(one);
    t.gw.simulator?.configure('openai', { ttftMs: 0, tokensPerSecond: 20 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ ...ask(), stream: true }, { signal: controller.signal });
    let pieces = 0;
    await (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content && ++pieces === 2) controller.abort();
    })().catch(() => undefined);
    await settled(key.keyId);
    await t.gw.usageSettled();
    const [record] = await recordsOf(store(), key.accountId, 1);
    // The function never learns that the client left: the record is the whole answer's, from the provider.
    expect(record).toMatchObject({ status: 'ok', clientDisconnected: false, usageSource: 'upstream' });
    expect(t.gw.simulator?.stats('openai').completed).toBe(1);
    await client.chat.completions.create(ask());
  });
});
