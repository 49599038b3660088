// POST /v1/messages and /v1/messages/count_tokens through the official `@anthropic-ai/sdk` against the
// running local gateway, as Claude Code and the Anthropic SDKs use it: whole and streamed answers in
// Anthropic's event order, a tool use round trip, extended thinking whose signed blocks go back unchanged,
// token counting, and Anthropic's error classes, on a Claude, an OpenAI, a Gemini and a Bedrock model and
// on "auto".
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { limitedKey } from '../helpers/limits';

let t: TestGateway;
let claude: Anthropic;

beforeAll(async () => {
  t = await startTestGateway();
  claude = new Anthropic({ baseURL: t.gw.url, apiKey: t.gw.apiKey, maxRetries: 0 });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => t.gw.simulator?.reset());

const MODELS = ['claude-sonnet-4', 'gpt-5-mini', 'gemini-2.5-flash', 'nova-pro', 'auto'] as const;

const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

const text = (m: Anthropic.Message) => m.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');

describe.each(MODELS)('messages on %s', (model) => {
  it('answers with an Anthropic message object', async () => {
    const { data, response } = await claude.messages
      .create({ model, max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello to the gateway' }] })
      .withResponse();
    expect(data).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn', stop_sequence: null });
    expect(data.id).toMatch(/^msg_/);
    expect(text(data)).toContain('Say hello to the gateway');
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(data.usage).toHaveProperty('cache_read_input_tokens', 0);
    expect(response.headers.get('x-op-routing-used')).toBe(data.model);
    expect(response.headers.get('x-ratelimit-limit-requests')).toBeTruthy();
  });

  it('streams message_start, content blocks, message_delta and message_stop in Anthropic order', async () => {
    const stream = claude.messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: 'Stream a line about harbours' }] });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.at(-2)).toBe('message_delta');
    expect(types.at(-1)).toBe('message_stop');
    const blocks = types.filter((ty) => ty.startsWith('content_block'));
    expect(blocks[0]).toBe('content_block_start');
    expect(blocks.at(-1)).toBe('content_block_stop');
    expect(text(final)).toContain('Stream a line about harbours');
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('round-trips a tool use, whole and streamed', async () => {
    const ask: Anthropic.MessageParam[] = [{ role: 'user', content: 'Use get_weather for Paris' }];
    const first = await claude.messages.create({ model, max_tokens: 256, tools: [weather], messages: ask });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(use?.name).toBe('get_weather');
    expect(use?.input).toHaveProperty('city');
    const streamed = await claude.messages.stream({ model, max_tokens: 256, tools: [weather], messages: ask }).finalMessage();
    expect(streamed.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { city: expect.any(String) } });
    const answer = await claude.messages.create({
      model,
      max_tokens: 256,
      tools: [weather],
      messages: [...ask, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use!.id, content: 'Sunny, 21 C' }] }],
    });
    expect(text(answer)).toContain('Sunny, 21 C');
  });

  it('counts input tokens without calling a model', async () => {
    const counted = await claude.messages.countTokens({ model, messages: [{ role: 'user', content: 'How many tokens is this sentence?' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const calls = ['anthropic', 'openai', 'google', 'bedrock'].map((p) => t.gw.simulator?.stats(p).completed ?? 0);
    // Only Anthropic's own counting endpoint may be asked; nothing is generated.
    expect(calls.slice(1)).toEqual([0, 0, 0]);
  });
});

describe('extended thinking (Claude Code keeps and sends back signed thinking)', () => {
  it.each(['claude-sonnet-4', 'claude-opus-4.1'])('streams thinking and its signature on %s, and accepts the blocks back unchanged', async (model) => {
    const params = { model, max_tokens: 4096, thinking: { type: 'enabled' as const, budget_tokens: 2048 } };
    const stream = claude.messages.stream({ ...params, messages: [{ role: 'user', content: 'Think about tides' }] });
    const deltas: string[] = [];
    stream.on('streamEvent', (e) => {
      if (e.type === 'content_block_delta') deltas.push(e.delta.type);
    });
    const first = await stream.finalMessage();
    expect(deltas).toContain('thinking_delta');
    expect(deltas).toContain('signature_delta');
    const thinking = first.content[0];
    expect(thinking?.type).toBe('thinking');
    expect(thinking?.type === 'thinking' && thinking.signature.length).toBeGreaterThan(10);
    // The simulator, like Anthropic, rejects a thinking block whose signature does not match its text.
    const next = await claude.messages.create({
      ...params,
      messages: [{ role: 'user', content: 'Think about tides' }, { role: 'assistant', content: first.content }, { role: 'user', content: 'And the moon?' }],
    });
    expect(next.stop_reason).toBe('end_turn');
  });

  it('hides the reasoning of a model that reasons anyway from a client that did not turn thinking on', async () => {
    const m = await claude.messages.create({ model: 'gpt-5-mini', max_tokens: 256, messages: [{ role: 'user', content: 'hi' }] });
    expect(m.content.every((b) => b.type === 'text')).toBe(true);
  });
});

describe('authentication the way Claude Code sends it', () => {
  it('accepts the key as x-api-key (ANTHROPIC_API_KEY) and as a Bearer token (ANTHROPIC_AUTH_TOKEN), with betas', async () => {
    const bearer = new Anthropic({ baseURL: t.gw.url, apiKey: null, authToken: t.gw.apiKey, maxRetries: 0 });
    const m = await bearer.messages.create(
      { model: 'claude-haiku-4-5-20251001', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14' } },
    );
    expect(m.model).toBe('claude-haiku-4.5');
    expect(t.gw.simulator?.stats('anthropic').requests).toBe(1);
  });

  it('resolves Claude Code\'s background model ids (dated and older Haiku ids)', async () => {
    for (const model of ['claude-3-5-haiku-20241022', 'claude-sonnet-4-20250514', 'claude-haiku-4-5']) {
      const m = await claude.messages.create({ model, max_tokens: 32, messages: [{ role: 'user', content: 'ping' }] });
      expect(m.type).toBe('message');
    }
  });
});

describe('errors in Anthropic shape, raised as the SDK error classes', () => {
  it('401 AuthenticationError for a wrong key', async () => {
    const anon = new Anthropic({ baseURL: t.gw.url, apiKey: `op_${'x'.repeat(37)}`, maxRetries: 0 });
    const err = await anon.messages.create({ model: 'claude-sonnet-4', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('404 NotFoundError for an unknown model', async () => {
    const err = await claude.messages.create({ model: 'claude-9', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('400 BadRequestError naming the field: a missing max_tokens, a server tool, an unknown field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens'],
      [{ model: 'claude-sonnet-4', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools.0.type'],
      [{ model: 'claude-sonnet-4', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], frobnicate: true }, 'frobnicate'],
    ];
    for (const [body, field] of cases) {
      const err = await claude.messages.create(body as never).catch((e: unknown) => e);
      expect(err, field).toBeInstanceOf(Anthropic.BadRequestError);
      const e = (err as InstanceType<typeof Anthropic.APIError>).error as { type: string; error: { type: string; message: string } };
      expect(e.error.type).toBe('invalid_request_error');
      expect(e.error.message).toContain(field);
    }
  });

  it('429 RateLimitError with Retry-After once the key is over its limit', async () => {
    const key = await limitedKey(t.gw.deps.store, t.gw.deps.clock, { requestsPerMinute: 1 });
    const limited = new Anthropic({ baseURL: t.gw.url, apiKey: key.secret, maxRetries: 0 });
    await limited.messages.create({ model: 'claude-haiku-4.5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    const err = await limited.messages.create({ model: 'claude-haiku-4.5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const e = err as InstanceType<typeof Anthropic.RateLimitError>;
    expect(e.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(e.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
  });
});
