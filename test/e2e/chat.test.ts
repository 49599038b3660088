// The official `openai` SDK against the running local gateway (in-process runtime, simulated providers).
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { validator } from '../helpers/openai-schemas';
import { clientDisconnectAsInLambda, firstChunkBeforeSlowUpstreamEnds } from './stream-scenarios';

let t: TestGateway;
const schema = validator();

beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  t.gw.simulator?.reset();
});

describe('GET /v1/models', () => {
  it('lists the 16 catalog models with pricing, tier and capabilities in OpenAI list shape', async () => {
    const page = await t.client.models.list();
    const models = page.data as unknown as Array<Record<string, unknown>>;
    expect(models).toHaveLength(16);
    expect(new Set(models.map((m) => m.owned_by)).size).toBeGreaterThanOrEqual(5);
    const sonnet = models.find((m) => m.id === 'claude-sonnet-4');
    expect(sonnet).toMatchObject({
      object: 'model',
      owned_by: 'anthropic',
      context_window: 200_000,
      pricing: { input_per_1m: 3, output_per_1m: 15 },
      tier: 'versatile',
      capabilities: { tools: true, vision: true, json_output: true },
    });
    const raw = await fetch(`${t.gw.baseUrl}/models`, { headers: { authorization: `Bearer ${t.gw.apiKey}` } });
    schema.assert('ListModelsResponse', await raw.json());
  });

  it('retrieves one model, by id or by any of its vendor ids, and 404s an unknown one with model_not_found', async () => {
    const model = await t.client.models.retrieve('gpt-5-mini');
    expect(model.id).toBe('gpt-5-mini');
    const byAlias = (await t.client.models.retrieve('claude-sonnet-4-20250514')) as unknown as { id: string; aliases: string[]; pricing: Record<string, number> };
    expect(byAlias.id).toBe('claude-sonnet-4');
    expect(byAlias.aliases).toContain('claude-sonnet-4-20250514');
    expect(byAlias.pricing).toMatchObject({ cached_input_per_1m: 0.3, cache_write_per_1m: 3.75 });
    const err = await t.client.models.retrieve('gpt-0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });
});

describe('POST /v1/chat/completions', () => {
  it('answers a completion in OpenAI shape with routing and latency fields and headers', async () => {
    const { data, response } = await t.client.chat.completions
      .create({ model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'Say hello to the gateway' }] })
      .withResponse();
    schema.assert('CreateChatCompletionResponse', data);
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('claude-sonnet-4');
    expect(data.choices[0]?.message.content).toContain('Say hello to the gateway');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
    const extra = data as unknown as { x_op_routing_used: string; x_op_latency_ms: number };
    expect(extra.x_op_routing_used).toBe('claude-sonnet-4');
    expect(extra.x_op_latency_ms).toBeGreaterThanOrEqual(0);
    expect(response.headers.get('x-op-routing-used')).toBe('claude-sonnet-4');
    expect(Number(response.headers.get('x-op-latency-ms'))).toBe(extra.x_op_latency_ms);
  });

  it.each(['gpt-5-mini', 'claude-sonnet-4', 'gemini-2.5-flash', 'nova-pro', 'deepseek-chat'])('serves %s through its provider protocol', async (model) => {
    const res = await t.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'ping' }] });
    expect(res.model).toBe(model);
    expect(res.choices[0]?.message.content).toMatch(/ping/);
  });

  it('streams chat.completion.chunk objects ending in [DONE], with a final usage chunk when asked', async () => {
    const stream = await t.client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'Stream me something' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    for (const c of chunks) schema.assert('CreateChatCompletionStreamResponse', c);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toContain('Stream me something');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    // The same prompt, non-streamed, reports the same usage.
    const whole = await t.client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Stream me something' }] });
    expect(whole.usage).toEqual(last?.usage);
    expect(whole.choices[0]?.message.content).toBe(text);
  });

  it('streams without a usage chunk when include_usage is not set', async () => {
    const res = await fetch(`${t.gw.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.gw.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await res.text();
    const events = body.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)) as Record<string, unknown>);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
  });

  it('round-trips a tool call, streamed and not', async () => {
    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Use get_weather for Paris' }];
    const first = await t.client.chat.completions.create({ model: 'claude-sonnet-4', messages, tools });
    schema.assert('CreateChatCompletionResponse', first);
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toHaveProperty('city');

    const stream = await t.client.chat.completions.create({ model: 'gpt-5-mini', messages, tools, stream: true });
    let name = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      schema.assert('CreateChatCompletionStreamResponse', chunk);
      const delta = chunk.choices[0]?.delta.tool_calls?.[0];
      name += delta?.function?.name ?? '';
      args += delta?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toHaveProperty('city');
    expect(finish).toBe('tool_calls');

    const answer = await t.client.chat.completions.create({
      model: 'claude-sonnet-4',
      tools,
      messages: [
        ...messages,
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 C' },
      ],
    });
    expect(answer.choices[0]?.message.content).toContain('Sunny, 21 C');
  });

  it('delivers the first chunk long before a slow upstream finishes', () => firstChunkBeforeSlowUpstreamEnds(t));

  it('runs the upstream answer to its end when the client disconnects mid-stream, as Lambda does', () => clientDisconnectAsInLambda(t));
});

describe('errors in OpenAI shape, raised as the SDK error classes', () => {
  it('401 AuthenticationError for a missing, malformed or unknown key', async () => {
    for (const apiKey of ['not-a-key', `op_${'x'.repeat(37)}`]) {
      const client = new OpenAI({ baseURL: t.gw.baseUrl, apiKey, maxRetries: 0 });
      const err = await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((err as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    }
    const res = await fetch(`${t.gw.baseUrl}/models`);
    expect(res.status).toBe(401);
    schema.assert('ErrorResponse', await res.json());
  });

  it('404 NotFoundError model_not_found for an unknown model', async () => {
    const err = await t.client.chat.completions.create({ model: 'gpt-9000', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('model');
  });

  it('400 BadRequestError naming the field for out-of-range values and n > 1', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ temperature: 2.5 }, 'temperature'],
      [{ top_p: -0.1 }, 'top_p'],
      [{ n: 2 }, 'n'],
      [{ max_tokens: 0 }, 'max_tokens'],
      [{ routing: 'cheapest' }, 'routing'],
      [{ messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
    ];
    for (const [patch, param] of cases) {
      const body = { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'x' }], ...patch } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
      const err = await t.client.chat.completions.create(body).catch((e: unknown) => e);
      expect(err, JSON.stringify(patch)).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(param);
    }
  });

  it('400 for invalid JSON and 413 for a body over the limit', async () => {
    const post = (body: string) =>
      fetch(`${t.gw.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.gw.apiKey}`, 'content-type': 'application/json' },
        body,
      });
    const bad = await post('{"model": "gpt-5-mini", ');
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { error: { type: string } };
    schema.assert('ErrorResponse', badBody);
    expect(badBody.error.type).toBe('invalid_request_error');

    const huge = await post(JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'x'.repeat(t.gw.deps.config.maxBodyBytes) }] }));
    expect(huge.status).toBe(413);
    schema.assert('ErrorResponse', await huge.json());
  });

  it('accepts model "auto" and answers with the model actually used', async () => {
    const { data, response } = await t.client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'pick one' }] } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    expect(data.model).not.toBe('auto');
    expect(response.headers.get('x-op-routing-used')).toBe(data.model);
  });
});
