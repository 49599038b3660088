// End-to-end scenarios written once and run against any target gateway (the in-process runtime, the
// bundles under aws-lambda-ric): each returns what a client observed, with the per-request values
// (ids, timestamps, latency) normalised so two targets' observations can be compared whole.
import OpenAI from 'openai';
import { expect } from 'vitest';

export interface Target {
  name: string;
  baseUrl: string;
  apiKey: string;
  client: OpenAI;
}

export interface Observation {
  status: number;
  /** The SDK's error class for failures, so both targets must raise the same one. */
  errorClass?: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface Scenario {
  name: string;
  run(t: Target): Promise<Observation>;
  /** What a user must see, checked on every target before the targets are compared. */
  check(o: Observation): void;
}

/** Values that differ on every request by design. */
const PER_REQUEST_HEADERS = new Set(['date', 'x-request-id', 'x-op-latency-ms']);

function headersOf(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((v, k) => {
    if (!PER_REQUEST_HEADERS.has(k)) out[k] = v;
  });
  return out;
}

/** Replaces generated ids and clocks with placeholders, everywhere in a body. */
export function normalise(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  }
  if (key === 'created' && typeof value === 'number') return '<created>';
  if (key === 'x_op_latency_ms' && typeof value === 'number') return '<latency>';
  if (key === 'id' && typeof value === 'string' && value.startsWith('chatcmpl-')) return '<chatcmpl-id>';
  return value;
}

const user = (content: string): OpenAI.Chat.ChatCompletionMessageParam[] => [{ role: 'user', content }];

const WEATHER: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];

async function observed<T>(call: { withResponse(): Promise<{ data: T; response: Response }> }, body: (data: T) => Promise<unknown> | unknown): Promise<Observation> {
  const { data, response } = await call.withResponse();
  return { status: response.status, headers: headersOf(response.headers), body: normalise(await body(data)) };
}

async function failure(run: () => Promise<unknown>): Promise<Observation> {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OpenAI.APIError)) throw new Error(`expected an API error, got ${String(err)}`);
  return {
    status: err.status ?? 0,
    errorClass: err.constructor.name,
    headers: err.headers ? headersOf(err.headers) : {},
    body: normalise({ error: err.error }),
  };
}

async function collect(stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>): Promise<OpenAI.Chat.ChatCompletionChunk[]> {
  const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

type Chunks = OpenAI.Chat.ChatCompletionChunk[];
const errorBody = (o: Observation) => (o.body as { error: { type: string; code: string | null; param: string | null } }).error;

export const SCENARIOS: Scenario[] = [
  {
    name: 'lists the models',
    run: (t) => observed(t.client.models.list(), (page) => page.data),
    check(o) {
      expect(o.status).toBe(200);
      expect(o.headers['content-type']).toMatch(/^application\/json/);
      expect((o.body as Array<{ object: string }>).length).toBe(16);
    },
  },
  {
    name: 'answers a completion',
    run: (t) => observed(t.client.chat.completions.create({ model: 'claude-sonnet-4', messages: user('Say hello to the gateway') }), (d) => d),
    check(o) {
      expect(o.status).toBe(200);
      expect(o.headers['x-op-routing-used']).toBe('claude-sonnet-4');
      const body = o.body as OpenAI.Chat.ChatCompletion;
      expect(body.object).toBe('chat.completion');
      expect(body.choices[0]?.message.content).toContain('Say hello to the gateway');
    },
  },
  {
    name: 'streams with a usage chunk (include_usage)',
    run: (t) =>
      observed(
        t.client.chat.completions.create({ model: 'gemini-2.5-flash', messages: user('Stream me something'), stream: true, stream_options: { include_usage: true } }),
        collect,
      ),
    check(o) {
      expect(o.status).toBe(200);
      expect(o.headers['content-type']).toMatch(/^text\/event-stream/);
      const chunks = o.body as Chunks;
      expect(chunks.length).toBeGreaterThan(2);
      expect(chunks.at(-1)?.choices).toEqual([]);
      expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
    },
  },
  {
    name: 'streams without a usage chunk',
    run: (t) => observed(t.client.chat.completions.create({ model: 'gpt-5-mini', messages: user('hi'), stream: true }), collect),
    check(o) {
      expect(o.status).toBe(200);
      const chunks = o.body as Chunks;
      expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
      expect(chunks.every((c) => !c.usage)).toBe(true);
    },
  },
  {
    name: 'returns a tool call',
    run: (t) => observed(t.client.chat.completions.create({ model: 'claude-sonnet-4', messages: user('Use get_weather for Paris'), tools: WEATHER }), (d) => d),
    check(o) {
      const body = o.body as OpenAI.Chat.ChatCompletion;
      expect(body.choices[0]?.finish_reason).toBe('tool_calls');
      expect(body.choices[0]?.message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    },
  },
  {
    name: 'streams a tool call',
    run: (t) => observed(t.client.chat.completions.create({ model: 'gpt-5-mini', messages: user('Use get_weather for Paris'), tools: WEATHER, stream: true }), collect),
    check(o) {
      const chunks = o.body as Chunks;
      expect(chunks.map((c) => c.choices[0]?.delta.tool_calls?.[0]?.function?.name ?? '').join('')).toBe('get_weather');
      expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
    },
  },
  {
    name: '401 for an unknown key',
    run: (t) => failure(() => new OpenAI({ baseURL: t.baseUrl, apiKey: `op_${'x'.repeat(37)}`, maxRetries: 0 }).chat.completions.create({ model: 'gpt-5-mini', messages: user('x') })),
    check(o) {
      expect(o.status).toBe(401);
      expect(o.errorClass).toBe('AuthenticationError');
      expect(errorBody(o).code).toBe('invalid_api_key');
    },
  },
  {
    name: '404 for an unknown model',
    run: (t) => failure(() => t.client.chat.completions.create({ model: 'gpt-9000', messages: user('x') })),
    check(o) {
      expect(o.status).toBe(404);
      expect(o.errorClass).toBe('NotFoundError');
      expect(errorBody(o)).toMatchObject({ code: 'model_not_found', param: 'model' });
    },
  },
  {
    name: '400 for an out-of-range temperature',
    run: (t) => failure(() => t.client.chat.completions.create({ model: 'gpt-5-mini', messages: user('x'), temperature: 2.5 })),
    check(o) {
      expect(o.status).toBe(400);
      expect(o.errorClass).toBe('BadRequestError');
      expect(errorBody(o)).toMatchObject({ type: 'invalid_request_error', param: 'temperature' });
    },
  },
];
