// Fallback through the official `openai` SDK against the running local gateway, with faults injected in
// the provider simulator: 503 and 429, a hang (attempt timeout), a stall (no first token), a stream cut
// after its first tokens, request errors that must not fall back, and every route down.
// The breaker is set out of reach here (breaker.test.ts covers it) so each test sees plain fallback.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { validator } from '../helpers/openai-schemas';

let t: TestGateway;
const schema = validator();
const sim = () => t.gw.simulator!;
const user = (content: string): OpenAI.Chat.ChatCompletionMessageParam[] => [{ role: 'user', content }];

beforeAll(async () => {
  t = await startTestGateway({
    env: { OP_ATTEMPT_TIMEOUT_MS: '500', OP_TTFT_TIMEOUT_MS: '300', OP_BREAKER_FAILURES: '1000', OP_BREAKER_MIN_CALLS: '1000' },
  });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  sim().reset();
});

async function collect(stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>) {
  const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

describe('fallback to the other route of the same model', () => {
  it.each([503, 429])('anthropic answering %i: claude-sonnet-4 is served through bedrock, in the same format', async (status) => {
    const direct = await t.client.chat.completions.create({ model: 'claude-sonnet-4', messages: user('Hello there') });
    sim().configure('anthropic', { fault: { kind: 'status', status } });
    const { data, response } = await t.client.chat.completions.create({ model: 'claude-sonnet-4', messages: user('Hello there') }).withResponse();
    schema.assert('CreateChatCompletionResponse', data);
    expect(data.model).toBe('claude-sonnet-4');
    expect(response.headers.get('x-op-routing-used')).toBe('claude-sonnet-4');
    expect(response.headers.get('x-op-attempts')).toBe(`anthropic/claude-sonnet-4=${status}, bedrock/claude-sonnet-4=ok`);
    // Whatever route served, the response has the same shape and the same fields.
    expect(Object.keys(data).sort()).toEqual(Object.keys(direct).sort());
    expect(Object.keys(data.choices[0]!.message).sort()).toEqual(Object.keys(direct.choices[0]!.message).sort());
    expect(data.choices[0]?.message.content).toContain('Hello there');
    expect(sim().stats('anthropic').faults).toBe(1);
    expect(sim().stats('bedrock').completed).toBe(1);
  });

  it('anthropic hanging: the attempt times out and bedrock answers', async () => {
    sim().configure('anthropic', { fault: { kind: 'hang' } });
    const began = Date.now();
    const { data, response } = await t.client.chat.completions.create({ model: 'claude-sonnet-4', messages: user('Are you there?') }).withResponse();
    expect(data.model).toBe('claude-sonnet-4');
    expect(response.headers.get('x-op-attempts')).toBe('anthropic/claude-sonnet-4=timeout, bedrock/claude-sonnet-4=ok');
    expect(Date.now() - began).toBeLessThan(2_000);
    // The hung upstream request was given up, not left open.
    await expect.poll(() => sim().stats('anthropic').aborted).toBe(1);
  });

  it('anthropic stalling before the first token: the stream falls back to bedrock', async () => {
    sim().configure('anthropic', { fault: { kind: 'stall' } });
    const { data: stream, response } = await t.client.chat.completions
      .create({ model: 'claude-sonnet-4', messages: user('Stream to me'), stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const chunks = await collect(stream);
    for (const c of chunks) schema.assert('CreateChatCompletionStreamResponse', c);
    expect(response.headers.get('x-op-attempts')).toBe('anthropic/claude-sonnet-4=ttft, bedrock/claude-sonnet-4=ok');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toContain('Stream to me');
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(chunks.every((c) => c.model === 'claude-sonnet-4')).toBe(true);
  });

  it('a stream cut after its first tokens ends with an error event and is not retried', async () => {
    sim().configure('anthropic', { fault: { kind: 'cut', afterTokens: 2 } });
    const stream = await t.client.chat.completions.create({ model: 'claude-sonnet-4', messages: user('Tell me a long story'), stream: true });
    const text: string[] = [];
    const err = await (async () => {
      for await (const c of stream) text.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(text.join('').split(' ').filter(Boolean)).toHaveLength(2);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).type).toBe('upstream_error');
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/^anthropic /);
    expect(sim().stats('bedrock').requests).toBe(0);

    // On the wire: content events, then one OpenAI-style error event, and no [DONE].
    sim().configure('anthropic', { fault: { kind: 'cut', afterTokens: 2 } });
    const res = await fetch(`${t.gw.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.gw.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4', stream: true, messages: user('Tell me a long story') }),
    });
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events).not.toContain('data: [DONE]');
    const last = JSON.parse((events.at(-1) as string).slice('data: '.length)) as unknown;
    schema.assert('ErrorResponse', last);
    expect(last).toMatchObject({ error: { type: 'upstream_error' } });
  });
});

describe('an upstream answer that is not valid JSON', () => {
  // One row per provider kind: each garbles its own framing (SSE events, Bedrock's binary event stream).
  const rows: Array<[string, string, Record<string, 'garble' | 503>, string]> = [
    ['anthropic', 'claude-sonnet-4', { anthropic: 'garble' }, 'anthropic/claude-sonnet-4=malformed, bedrock/claude-sonnet-4=ok'],
    ['an OpenAI-compatible host', 'llama-3.3-70b', { groq: 'garble' }, 'groq/llama-3.3-70b=malformed, bedrock/llama-3.3-70b=ok'],
    ['openai', 'auto', { openai: 'garble' }, 'openai/gpt-5=malformed, google/gemini-2.5-pro=ok'],
    ['google', 'auto', { openai: 503, google: 'garble' }, 'openai/gpt-5=503, google/gemini-2.5-pro=malformed, anthropic/claude-opus-4.1=ok'],
    ['bedrock', 'mistral-large', { mistral: 503, bedrock: 'garble' }, 'mistral/mistral-large=503, bedrock/mistral-large=malformed'],
  ];
  const arrange = (faults: Record<string, 'garble' | 503>) => {
    for (const [instance, f] of Object.entries(faults)) {
      sim().configure(instance, { fault: f === 'garble' ? { kind: 'garble', afterTokens: 0 } : { kind: 'status', status: f } });
    }
  };

  it.each(rows)('from %s before the first token is an upstream failure that falls back, streamed or not', async (_kind, model, faults, attempts) => {
    const lastOk = attempts.endsWith('=ok');
    for (const stream of [false, true]) {
      sim().reset();
      arrange(faults);
      const body = { model, messages: user('Prove it'), stream } as OpenAI.Chat.ChatCompletionCreateParams;
      if (lastOk) {
        const { data, response } = await t.client.chat.completions.create(body).withResponse();
        expect(response.headers.get('x-op-attempts'), `stream: ${stream}`).toBe(attempts);
        const text = stream ? (await collect(data as AsyncIterable<OpenAI.Chat.ChatCompletionChunk>)).map((c) => c.choices[0]?.delta.content ?? '').join('') : (data as OpenAI.Chat.ChatCompletion).choices[0]?.message.content;
        expect(text).toContain('Prove it');
      } else {
        const err = (await t.client.chat.completions.create(body).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
        expect(err.status, `stream: ${stream}`).toBe(503);
        expect(err.code).toBe('all_routes_failed');
        expect(err.message).toContain('mistral-large via bedrock: malformed');
        expect(err.headers?.get('x-op-attempts')).toBe(attempts);
      }
    }
  });

  it.each(rows)('from %s after the first tokens ends the stream with an error event', async (_kind, model, faults) => {
    for (const [instance, f] of Object.entries(faults)) {
      sim().configure(instance, { fault: f === 'garble' ? { kind: 'garble', afterTokens: 2 } : { kind: 'status', status: f } });
    }
    const res = await fetch(`${t.gw.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.gw.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream: true, messages: user('Tell me a long story') }),
    });
    expect(res.status).toBe(200);
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events).not.toContain('data: [DONE]');
    const text = events.slice(0, -1).map((e) => (JSON.parse(e.slice('data: '.length)) as OpenAI.Chat.ChatCompletionChunk).choices[0]?.delta.content ?? '').join('');
    expect(text.split(' ').filter(Boolean)).toHaveLength(2);
    const last = JSON.parse((events.at(-1) as string).slice('data: '.length)) as unknown;
    schema.assert('ErrorResponse', last);
    expect(last).toMatchObject({ error: { type: 'upstream_error' } });
  });
});

describe('fallback within the tier for model "auto"', () => {
  it("quality's winner (gpt-5) down: the next-best reasoning model serves", async () => {
    sim().configure('openai', { fault: { kind: 'status', status: 503 } });
    const { data, response } = await t.client.chat.completions
      .create({ model: 'auto', messages: user('Prove it') } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    expect(data.model).toBe('gemini-2.5-pro');
    expect(response.headers.get('x-op-routing-used')).toBe('gemini-2.5-pro');
    expect(response.headers.get('x-op-routing-reason')).toBe('quality: best quality of 16 capable');
    expect(response.headers.get('x-op-attempts')).toBe('openai/gpt-5=503, google/gemini-2.5-pro=ok');
    expect((data as unknown as { x_op_routing_used: string }).x_op_routing_used).toBe('gemini-2.5-pro');
  });

  it("a model's own routes come before the next model", async () => {
    for (const p of ['openai', 'google', 'anthropic']) sim().configure(p, { fault: { kind: 'status', status: 500 } });
    const { data, response } = await t.client.chat.completions
      .create({ model: 'auto', messages: user('Prove it') } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    expect(data.model).toBe('claude-opus-4.1');
    expect(response.headers.get('x-op-attempts')).toBe(
      'openai/gpt-5=500, google/gemini-2.5-pro=500, anthropic/claude-opus-4.1=500, bedrock/claude-opus-4.1=ok',
    );
  });

  it('never leaves the tier: the cheap models are not tried for a reasoning request', async () => {
    for (const p of ['openai', 'google', 'anthropic', 'bedrock', 'deepseek']) sim().configure(p, { fault: { kind: 'status', status: 503 } });
    const err = await t.client.chat.completions
      .create({ model: 'auto', messages: user('Prove it') } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    // Four attempts (the default bound), all reasoning-tier routes; deepseek-reasoner would have been fifth.
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-op-attempts')).toBe(
      'openai/gpt-5=503, google/gemini-2.5-pro=503, anthropic/claude-opus-4.1=503, bedrock/claude-opus-4.1=503',
    );
    expect(sim().stats('deepseek').requests).toBe(0);
    for (const p of ['groq', 'mistral', 'compat']) expect(sim().stats(p).requests).toBe(0);
  });
});

describe('failures that do not fall back', () => {
  it.each([
    [400, OpenAI.BadRequestError],
    [413, OpenAI.APIError],
    [422, OpenAI.UnprocessableEntityError],
  ] as const)('an upstream %i is returned translated, without trying bedrock', async (status, cls) => {
    sim().configure('anthropic', { fault: { kind: 'status', status } });
    const err = await t.client.chat.completions.create({ model: 'claude-sonnet-4', messages: user('x') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    const api = err as InstanceType<typeof OpenAI.APIError>;
    expect(api.status).toBe(status);
    expect(api.type).toBe('invalid_request_error');
    expect(api.message).toContain(`simulated ${status} from anthropic`);
    expect(api.headers?.get('x-op-attempts')).toBe(`anthropic/claude-sonnet-4=${status}`);
    expect(sim().stats('bedrock').requests).toBe(0);
  });

  it('every route of an explicit model down: 503 listing what was tried, and no other model', async () => {
    sim().configure('anthropic', { fault: { kind: 'status', status: 503 } });
    sim().configure('bedrock', { fault: { kind: 'status', status: 500 } });
    const err = await t.client.chat.completions.create({ model: 'claude-sonnet-4', messages: user('x') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const api = err as InstanceType<typeof OpenAI.APIError>;
    expect(api.status).toBe(503);
    expect(api.code).toBe('all_routes_failed');
    expect(api.message).toContain('Every provider route failed for this request (claude-sonnet-4 via anthropic: 503; claude-sonnet-4 via bedrock: 500).');
    expect(api.headers?.get('x-op-attempts')).toBe('anthropic/claude-sonnet-4=503, bedrock/claude-sonnet-4=500');
    for (const p of ['openai', 'google', 'deepseek', 'groq', 'mistral']) expect(sim().stats(p).requests).toBe(0);
  });

  it('routing with an explicit model is accepted and ignored', async () => {
    const { data, response } = await t.client.chat.completions
      .create({ model: 'gpt-5-mini', routing: 'cost', messages: user('x') } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    expect(data.model).toBe('gpt-5-mini');
    expect(response.headers.get('x-op-routing-reason')).toBe('explicit: requested model');
  });
});
