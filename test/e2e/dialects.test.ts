// Everything the gateway adds, the same whichever dialect a request came in through: rate limits (a 429 in
// the dialect's own error shape, with Retry-After and the X-RateLimit headers), fallback from a failing
// route, and usage records that name the dialect; and cached and reasoning tokens shown in each dialect's
// usage shape and priced at the cached price.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { settlementsDone } from '../../lambda/core/lifecycle';
import type { UsageRecord } from '../../lambda/core/usage/record';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { clientFor, limitedKey, recordsOf } from '../helpers/limits';
import { findModel } from '../helpers/catalog';

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => t.gw.simulator?.reset());

type Dialect = 'openai-chat' | 'openai-responses' | 'anthropic-messages';

/** One request in each dialect, as its SDK sends it; resolves to what the client saw. */
async function ask(dialect: Dialect, apiKey: string, model: string, text: string, extra: { system?: string } = {}): Promise<{ status: number; headers: Headers; body: unknown }> {
  try {
    if (dialect === 'anthropic-messages') {
      const c = new Anthropic({ baseURL: t.gw.url, apiKey, maxRetries: 0 });
      const system = extra.system ? [{ type: 'text' as const, text: extra.system, cache_control: { type: 'ephemeral' as const } }] : undefined;
      const { data, response } = await c.messages.create({ model, max_tokens: 256, ...(system ? { system } : {}), messages: [{ role: 'user', content: text }] }).withResponse();
      return { status: response.status, headers: response.headers, body: data };
    }
    const c = clientFor(t.gw.baseUrl, apiKey);
    if (dialect === 'openai-responses') {
      const { data, response } = await c.responses.create({ model, ...(extra.system ? { instructions: extra.system } : {}), input: text }).withResponse();
      return { status: response.status, headers: response.headers, body: data };
    }
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [...(extra.system ? [{ role: 'system' as const, content: extra.system }] : []), { role: 'user', content: text }];
    const { data, response } = await c.chat.completions.create({ model, messages }).withResponse();
    return { status: response.status, headers: response.headers, body: data };
  } catch (err) {
    if (err instanceof OpenAI.APIError) return { status: err.status ?? 0, headers: err.headers ?? new Headers(), body: err.error };
    if (err instanceof Anthropic.APIError) return { status: err.status ?? 0, headers: err.headers ?? new Headers(), body: err.error };
    throw err;
  }
}

const DIALECTS: readonly Dialect[] = ['openai-chat', 'openai-responses', 'anthropic-messages'];

describe.each(DIALECTS)('%s', (dialect) => {
  it('is held to the key\'s limits: a 429 in the dialect\'s error shape with Retry-After and the headers', async () => {
    const key = await limitedKey(t.gw.deps.store, t.gw.deps.clock, { requestsPerMinute: 2 });
    const ok = await ask(dialect, key.secret, 'claude-haiku-4.5', 'first');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(ok.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    await ask(dialect, key.secret, 'claude-haiku-4.5', 'second');
    const refused = await ask(dialect, key.secret, 'claude-haiku-4.5', 'third');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    if (dialect === 'anthropic-messages') expect(refused.body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: expect.stringContaining('requests per minute') } });
    else expect(refused.body).toMatchObject({ message: expect.stringContaining('requests per minute'), type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' });
  });

  it('falls back from a failing route to the model\'s other route', async () => {
    t.gw.simulator?.configure('anthropic', { fault: { kind: 'status', status: 503, times: 1 } });
    const res = await ask(dialect, t.gw.apiKey, 'claude-sonnet-4', 'please answer');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-op-attempts')).toBe('anthropic/claude-sonnet-4=503, bedrock/claude-sonnet-4=ok');
    expect(t.gw.simulator?.stats('bedrock').completed).toBe(1);
  });

  it('is metered in a usage record that names the dialect', async () => {
    const key = await limitedKey(t.gw.deps.store, t.gw.deps.clock, {});
    const res = await ask(dialect, key.secret, 'gemini-2.5-flash', 'meter me');
    expect(res.status).toBe(200);
    await settlementsDone();
    const [record] = await recordsOf(t.gw.deps.store, key.accountId, 1);
    expect(record).toMatchObject({ dialect, modelUsed: 'gemini-2.5-flash', provider: 'google', status: 'ok', usageSource: 'upstream' });
    const id = (res.body as { id: string }).id;
    expect(record?.completionId).toBe(id);
  });
});

describe('cached and reasoning tokens', () => {
  const longPrompt = Array.from({ length: 1_200 }, (_, i) => `rule${i}`).join(' ');

  async function twice(dialect: Dialect, model: string): Promise<{ second: unknown; record: UsageRecord }> {
    const key = await limitedKey(t.gw.deps.store, t.gw.deps.clock, {});
    await ask(dialect, key.secret, model, 'first question', { system: longPrompt });
    const second = await ask(dialect, key.secret, model, 'second question', { system: longPrompt });
    expect(second.status).toBe(200);
    await settlementsDone();
    const records = await recordsOf(t.gw.deps.store, key.accountId, 2);
    const record = records.find((r) => r.completionId === (second.body as { id: string }).id);
    return { second: second.body, record: record! };
  }

  it('chat completions show them in prompt_tokens_details and completion_tokens_details', async () => {
    const { second, record } = await twice('openai-chat', 'gpt-5-mini');
    const usage = (second as OpenAI.Chat.ChatCompletion).usage!;
    expect(usage.prompt_tokens_details?.cached_tokens).toBe(1_200);
    expect(usage.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
    expect(record).toMatchObject({ cacheReadTokens: 1_200, reasoningTokens: usage.completion_tokens_details?.reasoning_tokens, promptTokens: usage.prompt_tokens });
    // gpt-5-mini: uncached input $0.25, cached $0.025, output $2 per 1M tokens.
    const m = findModel('gpt-5-mini')!;
    expect(record.costNanoUsd).toBe(
      Math.round(((usage.prompt_tokens - 1_200) * m.pricing.inputPer1M + 1_200 * m.pricing.cachedInputPer1M + usage.completion_tokens * m.pricing.outputPer1M) * 1_000),
    );
  });

  it('Responses show them in input_tokens_details and output_tokens_details', async () => {
    const { second, record } = await twice('openai-responses', 'gemini-2.5-flash');
    const usage = (second as OpenAI.Responses.Response).usage!;
    expect(usage.input_tokens_details.cached_tokens).toBe(1_200);
    expect(usage.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(record).toMatchObject({ cacheReadTokens: 1_200, reasoningTokens: usage.output_tokens_details.reasoning_tokens });
  });

  it('Messages show cache writes, then cache reads, for a prompt behind a cache breakpoint, priced at Anthropic\'s cache prices', async () => {
    const key = await limitedKey(t.gw.deps.store, t.gw.deps.clock, {});
    const first = (await ask('anthropic-messages', key.secret, 'claude-sonnet-4', 'first question', { system: longPrompt })).body as Anthropic.Message;
    expect(first.usage.cache_creation_input_tokens).toBe(1_200);
    const second = (await ask('anthropic-messages', key.secret, 'claude-sonnet-4', 'second question', { system: longPrompt })).body as Anthropic.Message;
    expect(second.usage).toMatchObject({ cache_read_input_tokens: 1_200, cache_creation_input_tokens: 0 });
    await settlementsDone();
    const records = await recordsOf(t.gw.deps.store, key.accountId, 2);
    const [w, r] = [records.find((x) => x.completionId === first.id)!, records.find((x) => x.completionId === second.id)!];
    expect(w).toMatchObject({ cacheWriteTokens: 1_200, cacheReadTokens: 0, promptTokens: first.usage.input_tokens + 1_200 });
    expect(r).toMatchObject({ cacheReadTokens: 1_200, cacheWriteTokens: 0 });
    // claude-sonnet-4: $3 input, $0.30 cache read, $3.75 cache write, $15 output per 1M tokens.
    expect(w.costNanoUsd).toBe(first.usage.input_tokens * 3_000 + 1_200 * 3_750 + first.usage.output_tokens * 15_000);
    expect(r.costNanoUsd).toBe(second.usage.input_tokens * 3_000 + 1_200 * 300 + second.usage.output_tokens * 15_000);
  });
});
