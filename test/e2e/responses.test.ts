// POST /v1/responses through the official `openai` SDK against the running local gateway: string and item
// input, a function tool round trip, structured output through responses.parse, conversation state
// (previous_response_id, GET, DELETE, another account's 404), and responses.stream, on a Claude, an OpenAI,
// a Gemini and a Bedrock model and on "auto". Every response object and stream event is checked against
// OpenAI's published schemas.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { clientFor, limitedKey } from '../helpers/limits';
import { validator } from '../helpers/openai-schemas';
import { findModel } from '../helpers/catalog';

let t: TestGateway;
const schema = validator();

beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => t.gw.simulator?.reset());

const MODELS = ['claude-sonnet-4', 'gpt-5-mini', 'gemini-2.5-flash', 'nova-pro', 'auto'] as const;

const weather: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

describe.each(MODELS)('responses.create on %s', (model) => {
  it('answers a string input with a response object in OpenAI shape', async () => {
    const { data, response } = await t.client.responses.create({ model, input: 'Say hello to the gateway' }).withResponse();
    schema.assert('Response', data);
    expect(data.id).toMatch(/^resp_/);
    expect(data.object).toBe('response');
    expect(data.status).toBe('completed');
    expect(data.output_text).toContain('Say hello to the gateway');
    const message = data.output.find((o) => o.type === 'message');
    expect(message?.type === 'message' && message.content[0]?.type).toBe('output_text');
    expect(data.usage?.total_tokens).toBe((data.usage?.input_tokens ?? 0) + (data.usage?.output_tokens ?? 0));
    const extra = data as unknown as { x_op_routing_used: string; x_op_latency_ms: number };
    expect(extra.x_op_routing_used).toBe(model === 'auto' ? data.model : model);
    expect(response.headers.get('x-op-routing-used')).toBe(data.model);
    expect(response.headers.get('x-ratelimit-limit-requests')).toBeTruthy();
  });

  it('takes item input: instructions, a developer message and user content parts', async () => {
    const data = await t.client.responses.create({
      model,
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Answer in English.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Describe the harbour at dawn' }] },
      ],
    });
    schema.assert('Response', data);
    expect(data.instructions).toBe('Be brief.');
    expect(data.output_text).toContain('Describe the harbour at dawn');
  });

  it('round-trips a function tool through function_call_output', async () => {
    const first = await t.client.responses.create({ model, input: 'Use get_weather for Paris', tools: [weather] });
    schema.assert('Response', first);
    const call = first.output.find((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === 'function_call');
    expect(call?.name).toBe('get_weather');
    expect(JSON.parse(call?.arguments ?? '')).toHaveProperty('city');
    expect(call?.id).toMatch(/^fc_/);
    const second = await t.client.responses.create({
      model,
      tools: [weather],
      input: [
        { role: 'user', content: 'Use get_weather for Paris' },
        { type: 'function_call', call_id: call!.call_id, name: call!.name, arguments: call!.arguments },
        { type: 'function_call_output', call_id: call!.call_id, output: 'Sunny, 21 C' },
      ],
    });
    schema.assert('Response', second);
    expect(second.output_text).toContain('Sunny, 21 C');
  });

  it('parses structured output (json_schema) through responses.parse, valid against the schema', async () => {
    const format = {
      type: 'json_schema' as const,
      name: 'trip',
      strict: true,
      schema: {
        type: 'object',
        properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 14 }, tags: { type: 'array', items: { type: 'string' } } },
        required: ['city', 'days', 'tags'],
        additionalProperties: false,
      },
    };
    const parsed = await t.client.responses.parse({ model, input: 'Plan a trip', text: { format } });
    const value = parsed.output_parsed as unknown as { city: string; days: number; tags: string[] };
    expect(typeof value.city).toBe('string');
    expect(value.days).toBeGreaterThanOrEqual(1);
    expect(value.days).toBeLessThanOrEqual(14);
    expect(Array.isArray(value.tags)).toBe(true);
  });

  it('continues a conversation with previous_response_id, then shows and deletes it', async () => {
    const first = await t.client.responses.create({ model, input: 'My name is Ada' });
    const second = await t.client.responses.create({ model, input: 'What did I say my name was', previous_response_id: first.id });
    schema.assert('Response', second);
    expect(second.previous_response_id).toBe(first.id);
    // The model was sent the first turn, its answer included, before the new input.
    const provider = findModel(second.model)!.routes[0]!.provider;
    const sent = JSON.stringify(t.gw.simulator?.stats(provider).lastBody);
    expect(sent).toContain('My name is Ada');
    expect(sent).toContain(first.output_text.slice(0, 40));
    expect(sent.indexOf('My name is Ada')).toBeLessThan(sent.indexOf('What did I say my name was'));
    const shown = await t.client.responses.retrieve(second.id);
    schema.assert('Response', shown);
    expect(shown.output_text).toBe(second.output_text);
    const deleted = (await t.client.responses.delete(second.id)) as unknown;
    expect(deleted).toEqual({ id: second.id, object: 'response', deleted: true });
    expect(await t.client.responses.retrieve(second.id).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('streams semantic events in order with sequence numbers, each valid against its schema', async () => {
    const stream = t.client.responses.stream({ model, input: 'Stream me a line about lighthouses' });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) {
      schema.assertEvent(event);
      events.push(event);
    }
    const final = await stream.finalResponse();
    const types = events.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(types.at(-1)).toBe('response.completed');
    // The message item's events, in OpenAI's order (a reasoning model's reasoning item may come first).
    const message = final.output.findIndex((o) => o.type === 'message');
    const order = ['response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done'];
    const seen = events.filter((e) => 'output_index' in e && e.output_index === message).map((e) => e.type);
    expect([...new Set(seen)]).toEqual(order);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
    expect(final.output_text).toBe(deltas);
    expect(final.output_text).toContain('Stream me a line about lighthouses');
  });
});

describe('responses.stream with tools', () => {
  it.each(['claude-haiku-4.5', 'gpt-5-nano'])('streams a function call on %s as function_call_arguments events', async (model) => {
    const stream = t.client.responses.stream({ model, input: 'Use get_weather for Rome', tools: [weather] });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) {
      schema.assertEvent(event);
      events.push(event);
    }
    const args = events.flatMap((e) => (e.type === 'response.function_call_arguments.delta' ? [e.delta] : [])).join('');
    const done = events.find((e) => e.type === 'response.function_call_arguments.done');
    expect(done?.type === 'response.function_call_arguments.done' && done.arguments).toBe(args);
    const final = await stream.finalResponse();
    const call = final.output.find((o) => o.type === 'function_call');
    expect(call?.type === 'function_call' && JSON.parse(call.arguments)).toHaveProperty('city');
  });
});

describe('freeform (custom) tools, as Codex CLI sends its apply_patch', () => {
  const applyPatch = { type: 'custom' as const, name: 'apply_patch', description: 'Apply a patch to files', format: { type: 'grammar' as const, syntax: 'lark' as const, definition: 'start: /.+/s' } };

  it.each(['gpt-5', 'claude-sonnet-4', 'gemini-2.5-pro'])('calls one with raw text input on %s, whole and streamed, and takes its output back', async (model) => {
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: 'Use apply_patch to fix the bug' }];
    const first = await t.client.responses.create({ model, input, tools: [applyPatch], store: false });
    schema.assert('Response', first);
    const call = first.output.find((o) => o.type === 'custom_tool_call');
    expect(call).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: expect.any(String) });
    expect(call?.type === 'custom_tool_call' && call.input.startsWith('{')).toBe(false);
    const stream = t.client.responses.stream({ model, input, tools: [applyPatch], store: false });
    const types: string[] = [];
    for await (const event of stream) {
      schema.assertEvent(event);
      types.push(event.type);
    }
    expect(types).toContain('response.custom_tool_call_input.done');
    expect((await stream.finalResponse()).output.find((o) => o.type === 'custom_tool_call')).toMatchObject({ input: (call as { input: string }).input });
    const next = await t.client.responses.create({
      model,
      tools: [applyPatch],
      store: false,
      input: [...input, call as OpenAI.Responses.ResponseCustomToolCall, { type: 'custom_tool_call_output', call_id: (call as { call_id: string }).call_id, output: 'Done!' }],
    });
    expect(next.output_text).toContain('Done!');
  });
});

describe('stored responses', () => {
  it('are visible only to keys of the account that created them', async () => {
    const mine = await t.client.responses.create({ model: 'gpt-5-nano', input: 'secret plans' });
    const other = await limitedKey(t.gw.deps.store, t.gw.deps.clock, {});
    const stranger = clientFor(t.gw.baseUrl, other.secret);
    // One at a time, each awaited as it is made: none can reject unobserved.
    for (const attempt of [
      () => stranger.responses.retrieve(mine.id),
      () => stranger.responses.delete(mine.id),
      () => stranger.responses.create({ model: 'gpt-5-nano', input: 'continue', previous_response_id: mine.id }),
    ]) {
      const err = await (attempt() as Promise<unknown>).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    }
    // Still there for its owner.
    expect((await t.client.responses.retrieve(mine.id)).id).toBe(mine.id);
  });

  it('are not kept with store: false', async () => {
    const r = await t.client.responses.create({ model: 'gpt-5-nano', input: 'forget me', store: false });
    expect((r as unknown as { store: boolean }).store).toBe(false);
    expect(await t.client.responses.retrieve(r.id).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    const err = await t.client.responses.create({ model: 'gpt-5-nano', input: 'go on', previous_response_id: r.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('previous_response_id');
  });
});

describe('errors in OpenAI shape', () => {
  it('400 naming the field for unknown fields and unsupported tool types', async () => {
    const unknown = await t.client.responses.create({ model: 'gpt-5-nano', input: 'x', frobnicate: 1 } as never).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.BadRequestError);
    expect((unknown as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('frobnicate');
    const tool = await t.client.responses.create({ model: 'gpt-5-nano', input: 'x', tools: [{ type: 'web_search' }] }).catch((e: unknown) => e);
    expect(tool).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tool as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tools[0].type');
    expect((tool as Error).message).toContain('web_search');
  });

  it('401 and 404 as the SDK error classes', async () => {
    const anon = new OpenAI({ baseURL: t.gw.baseUrl, apiKey: `op_${'x'.repeat(37)}`, maxRetries: 0 });
    expect(await anon.responses.create({ model: 'gpt-5-nano', input: 'x' }).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
    const missing = await t.client.responses.create({ model: 'gpt-0', input: 'x' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });
});
