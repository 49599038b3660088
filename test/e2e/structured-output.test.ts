// Structured output that holds on every model: through each dialect, every catalog model that lists
// json_schema answers with JSON valid against the schema (natively or through a forced tool call), a model
// with no way to enforce one is refused with a 400 before any call, and an answer that breaks its schema is
// never handed back: the route has failed, and the next one serves.
import Anthropic from '@anthropic-ai/sdk';
import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_MODELS } from '../../lambda/core/catalog';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReplayUpstream, type ReplayUpstream } from '../helpers/replay-upstream';

let t: TestGateway;
/** A second gateway whose Mistral route answers from a recorded upstream (the rest simulated). */
let r: TestGateway;
let upstream: ReplayUpstream;
let anthropic: Anthropic;

beforeAll(async () => {
  upstream = await startReplayUpstream();
  [t, r] = await Promise.all([startTestGateway(), startTestGateway({ env: { OP_MISTRAL_API_KEY: 'sk-test', OP_MISTRAL_BASE_URL: upstream.url } })]);
  anthropic = new Anthropic({ baseURL: t.gw.url, apiKey: t.gw.apiKey, maxRetries: 0 });
});
afterAll(async () => {
  await Promise.all([t?.close(), r?.close()]);
  await upstream?.close();
});

const SCHEMA = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 3 },
    rating: { type: 'integer', minimum: 1, maximum: 5 },
    tags: { type: 'array', items: { type: 'string', enum: ['calm', 'busy', 'scenic'] }, minItems: 1, maxItems: 3 },
    author: { type: 'object', properties: { name: { type: 'string' }, verified: { type: 'boolean' } }, required: ['name', 'verified'], additionalProperties: false },
    note: { type: ['string', 'null'] },
  },
  required: ['title', 'rating', 'tags', 'author', 'note'],
  additionalProperties: false,
};
const validate = new Ajv({ strict: false }).compile(SCHEMA);

function expectValid(text: string): void {
  const value: unknown = JSON.parse(text);
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
}

const enforceable = SEED_MODELS.filter((m) => m.capabilities.jsonSchema).map((m) => m.id);
const unenforceable = SEED_MODELS.filter((m) => !m.capabilities.jsonSchema).map((m) => m.id);

describe.each(enforceable)('%s', (model) => {
  it('answers chat completions json_schema with JSON valid against the schema', async () => {
    const res = await t.client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Review the harbour walk' }],
      response_format: { type: 'json_schema', json_schema: { name: 'review', schema: SCHEMA, strict: true } },
    });
    expect(res.choices[0]?.finish_reason).toBe('stop');
    expectValid(res.choices[0]?.message.content ?? '');
  });

  it('answers Responses text.format json_schema with JSON valid against the schema, streamed', async () => {
    const stream = t.client.responses.stream({ model, input: 'Review the harbour walk', text: { format: { type: 'json_schema', name: 'review', schema: SCHEMA, strict: true } } });
    const final = await stream.finalResponse();
    expectValid(final.output_text);
  });

  it('answers Messages output_format json_schema with JSON valid against the schema', async () => {
    const m = await anthropic.messages.create({
      model,
      max_tokens: 512,
      messages: [{ role: 'user', content: 'Review the harbour walk' }],
      output_format: { type: 'json_schema', schema: SCHEMA },
    } as never);
    const text = (m as Anthropic.Message).content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    expectValid(text);
  });
});

describe.each(unenforceable)('%s (no way to enforce a schema)', (model) => {
  it('is refused with a 400 naming the field in every dialect, before any model is called', async () => {
    const before = JSON.stringify(['deepseek', 'groq', 'bedrock', 'compat'].map((p) => t.gw.simulator?.stats(p).requests ?? 0));
    const chat = await t.client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'r', schema: SCHEMA } } })
      .catch((e: unknown) => e);
    expect(chat).toBeInstanceOf(OpenAI.BadRequestError);
    expect((chat as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('response_format');
    const responses = await t.client.responses.create({ model, input: 'x', text: { format: { type: 'json_schema', name: 'r', schema: SCHEMA } } }).catch((e: unknown) => e);
    expect(responses).toBeInstanceOf(OpenAI.BadRequestError);
    expect((responses as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('text.format');
    const messages = await anthropic.messages
      .create({ model, max_tokens: 10, messages: [{ role: 'user', content: 'x' }], output_format: { type: 'json_schema', schema: SCHEMA } } as never)
      .catch((e: unknown) => e);
    expect(messages).toBeInstanceOf(Anthropic.BadRequestError);
    expect(JSON.stringify((messages as InstanceType<typeof Anthropic.APIError>).error)).toContain('output_format');
    expect(JSON.stringify(['deepseek', 'groq', 'bedrock', 'compat'].map((p) => t.gw.simulator?.stats(p).requests ?? 0))).toBe(before);
  });
});

describe('an answer that breaks its schema', () => {
  it('is never handed back: the route has failed and the next route serves', async () => {
    // Mistral (a host with a schema mode of its own) answers prose; Bedrock, the model's other route, is simulated.
    upstream.answer({
      body: JSON.stringify({
        id: 'x', object: 'chat.completion', created: 1, model: 'mistral-large-latest',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Sure! Here is a review: lovely walk.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 8, total_tokens: 13 },
      }),
    });
    const { data, response } = await r.client.chat.completions
      .create({ model: 'mistral-large', messages: [{ role: 'user', content: 'Review' }], response_format: { type: 'json_schema', json_schema: { name: 'review', schema: SCHEMA } } })
      .withResponse();
    expect(response.headers.get('x-op-attempts')).toBe('mistral/mistral-large=schema, bedrock/mistral-large=ok');
    expectValid(data.choices[0]?.message.content ?? '');
    expect((upstream.received.at(-1)?.body as { response_format?: unknown }).response_format).toMatchObject({ type: 'json_schema' });
  });

  it('ends a stream that already began with an error event rather than with the bad JSON unflagged', async () => {
    upstream.answer({
      contentType: 'text/event-stream',
      body: [
        `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: '{"title": "ok"' }, finish_reason: null }] })}\n\n`,
        `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: '}' }, finish_reason: 'stop' }] })}\n\n`,
        'data: [DONE]\n\n',
      ].join(''),
    });
    const res = await fetch(`${r.gw.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${r.gw.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mistral-large', stream: true, messages: [{ role: 'user', content: 'Review' }], response_format: { type: 'json_schema', json_schema: { name: 'review', schema: SCHEMA } } }),
    });
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toMatch(/^data: \{"error":\{"message":"mistral answered outside the requested format/);
    expect(events).not.toContain('data: [DONE]');
  });
});

describe("an answer the request's own max_tokens cut short", () => {
  // Models whose provider enforces the schema itself (the simulator cuts their JSON like any text).
  it.each(['gpt-5-mini', 'gemini-2.5-flash', 'mistral-large'])('on %s comes back as it is, with finish_reason length, and is no fault of the route', async (model) => {
    const { data, response } = await t.client.chat.completions
      .create({ model, max_tokens: 6, messages: [{ role: 'user', content: 'Review the harbour walk' }], response_format: { type: 'json_schema', json_schema: { name: 'review', schema: SCHEMA } } })
      .withResponse();
    expect(data.choices[0]?.finish_reason).toBe('length');
    expect(() => JSON.parse(data.choices[0]?.message.content ?? '')).toThrow();
    expect(response.headers.get('x-op-attempts')).toMatch(/^[a-z]+\/[^,]+=ok$/);

    const stream = await t.client.chat.completions.create({ model, max_tokens: 6, stream: true, messages: [{ role: 'user', content: 'Review the harbour walk' }], response_format: { type: 'json_schema', json_schema: { name: 'review', schema: SCHEMA } } });
    const reasons: Array<string | null | undefined> = [];
    for await (const c of stream) reasons.push(c.choices[0]?.finish_reason);
    expect(reasons.at(-1)).toBe('length');
  });
});
