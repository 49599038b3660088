// The fuzz test: property-based, seeded and bounded. Bodies generated from OpenAI's published request
// schemas (the trimmed fixture) and from hand-written valid requests, then mutated; path ids with random
// escapes; odd header values; for every endpoint the gateway serves and every admin route. What must hold:
// no 5xx, every error in the endpoint's own shape with a type that fits its status, every 200 valid
// against the published schema, and an admin request that was refused left accounts and keys unchanged.
//
// Replay a failure with OP_FUZZ_SEED=<seed> (and the `path` fast-check prints); the report shows the
// shrunk request (method, path, headers, body) that failed.
import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_MODELS } from '../../lambda/core/catalog';
import { FUNCTION_URL_MAX_BODY_BYTES } from '../../lambda/local/runtime';
import { adminClient, keysTableSnapshot, type AccountOut, type KeyOut } from '../helpers/admin';
import { checkAnswer, type Answer, type Expect } from '../helpers/fuzz/answers';
import { applyMutations, mutation, type Mutation } from '../helpers/fuzz/mutate';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { validator } from '../helpers/openai-schemas';
import { schemaArbitraries } from '../helpers/schema-arbitrary';

const SEED = Number(process.env.OP_FUZZ_SEED ?? 20_261_201);
/** Requests per property; the whole file stays well under a minute on two cores. */
const RUNS = { chat: 350, responses: 250, messages: 300, paths: 250, headers: 150, admin: 300 };

let t: TestGateway;
let fuzzKey: string;
let victim: { accountId: string; keyId: string };
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(async () => {
  t = await startTestGateway();
  const admin = adminClient(t.gw);
  // The fuzz key's account has no limits, so no property is cut short by 429s; the admin property works on
  // an account of its own, so a DELETE it lands cannot take the fuzz key away.
  const unlimited = { requests_per_minute: null, tokens_per_minute: null, tokens_per_month: null, concurrent_requests: null, max_tokens_per_request: null };
  const account = (await admin.call<AccountOut>('POST', '/admin/accounts', { name: 'fuzz', plan: 'enterprise', custom_limits: unlimited })).json;
  fuzzKey = (await admin.call<KeyOut & { secret: string }>('POST', `/admin/accounts/${account.id}/keys`, { label: 'fuzz' })).json.secret;
  const target = (await admin.call<AccountOut>('POST', '/admin/accounts', { name: 'victim', plan: 'pro' })).json;
  victim = { accountId: target.id, keyId: (await admin.call<KeyOut>('POST', `/admin/accounts/${target.id}/keys`, { label: 'victim' })).json.id };
  console.log(`fuzz seed ${SEED} (replay with OP_FUZZ_SEED=${SEED})`);
}, 30_000);

afterAll(async () => {
  agent.destroy();
  await t?.close();
});

/** One request as fast-check generates, prints and shrinks it. `GOOD` in a header stands for the fuzz key. */
interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: { base: unknown; mutations: Mutation[] };
}

function send(c: Case): Promise<Answer & { sent: number }> {
  const url = new URL(t.gw.url);
  const body = c.body ? applyMutations(c.body.base, c.body.mutations) : undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.headers)) headers[k] = v.replace('GOOD', k === 'x-admin' ? t.gw.adminToken : fuzzKey);
  if (headers['x-admin']) {
    headers.authorization = `Bearer ${headers['x-admin']}`;
    delete headers['x-admin'];
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: c.method, path: c.path, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8'), sent: body?.length ?? 0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('no answer in 20 s')));
    req.end(body);
  });
}

const MODEL_IDS = SEED_MODELS.map((m) => m.id);
const model = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...MODEL_IDS, 'auto') }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('Hello', 'Say hello', 'Tell me a story'));
const mutations = fc.oneof({ weight: 1, arbitrary: fc.constant([] as Mutation[]) }, { weight: 2, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) });
const bodyOf = (base: fc.Arbitrary<unknown>) => fc.record({ base, mutations });
const json = { 'content-type': 'application/json' };
const bearer = { ...json, authorization: 'Bearer GOOD' };

const schemas = schemaArbitraries(validator().components);
const withModel = (a: fc.Arbitrary<unknown>) => fc.tuple(a, model).map(([b, m]) => (typeof b === 'object' && b !== null ? { ...b, model: m } : b));

const tool = fc.record({ type: fc.constant('function'), function: fc.record({ name: fc.constantFrom('get_weather', 'lookup'), parameters: fc.constant({ type: 'object', properties: { city: { type: 'string' } } }) }) });
const chatBase = fc.oneof(
  { weight: 1, arbitrary: withModel(schemas.of('CreateChatCompletionRequest')) },
  {
    weight: 2,
    arbitrary: fc.record(
    {
      model,
      messages: fc.array(fc.record({ role: fc.constantFrom('user', 'system', 'assistant'), content: text }), { minLength: 1, maxLength: 3 }),
      stream: fc.boolean(),
      max_tokens: fc.integer({ min: 1, max: 64 }),
      temperature: fc.double({ min: 0, max: 2, noNaN: true }),
      tools: fc.array(tool, { maxLength: 2 }),
      response_format: fc.constantFrom({ type: 'text' }, { type: 'json_object' }, { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } }),
    },
    { requiredKeys: ['model', 'messages'] },
    ),
  },
);

const responsesBase = fc.oneof(
  { weight: 1, arbitrary: withModel(schemas.of('CreateResponse')) },
  {
    weight: 2,
    arbitrary: fc.record(
    {
      model,
      input: fc.oneof(text, fc.array(fc.record({ role: fc.constantFrom('user', 'developer', 'assistant'), content: text }), { minLength: 1, maxLength: 3 })),
      instructions: text,
      stream: fc.boolean(),
      store: fc.boolean(),
      max_output_tokens: fc.integer({ min: 16, max: 64 }),
      tools: fc.array(fc.record({ type: fc.constant('function'), name: fc.constantFrom('get_weather', 'lookup'), parameters: fc.constant({ type: 'object', properties: {} }) }), { maxLength: 2 }),
      reasoning: fc.record({ effort: fc.constantFrom('minimal', 'low', 'medium', 'high') }),
    },
    { requiredKeys: ['model', 'input'] },
    ),
  },
);

const messagesBase = fc.record(
  {
    model,
    max_tokens: fc.integer({ min: 1, max: 4_096 }),
    messages: fc.array(
      fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.oneof(text, fc.array(fc.record({ type: fc.constant('text'), text }), { minLength: 1, maxLength: 2 })) }),
      { minLength: 1, maxLength: 3 },
    ),
    system: fc.oneof(text, fc.array(fc.record({ type: fc.constant('text'), text, cache_control: fc.constant({ type: 'ephemeral' }) }), { maxLength: 2 })),
    stream: fc.boolean(),
    temperature: fc.double({ min: 0, max: 1, noNaN: true }),
    stop_sequences: fc.array(fc.string({ minLength: 1, maxLength: 5 }), { maxLength: 2 }),
    tools: fc.array(fc.record({ name: fc.constantFrom('get_weather', 'lookup'), input_schema: fc.constant({ type: 'object', properties: {} }) }), { maxLength: 2 }),
    thinking: fc.record({ type: fc.constant('enabled'), budget_tokens: fc.integer({ min: 1_024, max: 2_048 }) }),
  },
  { requiredKeys: ['model', 'max_tokens', 'messages'] },
);

/** Ids for path segments: real ones, random text, and runs of good and broken percent-escapes. */
const escape = fc.constantFrom('%', '%Z', '%ZZ', '%E0%A4%A', '%00', '%2F', '%2e%2e', '%ff', '%C0%AF', '%25', '%20', '..', '.', '~', '%u0041');
const pathId = (real: string[]) =>
  fc.oneof(
    fc.constantFrom(...real),
    fc.stringMatching(/^[A-Za-z0-9._~-]{0,24}$/),
    fc.array(fc.oneof(escape, fc.stringMatching(/^[A-Za-z0-9]{0,3}$/)), { minLength: 1, maxLength: 5 }).map((p) => p.join('')),
    fc.constant('a'.repeat(2_000)),
  );

/** Nothing the gateway holds leaks into an answer: not the caller's key, not the admin token, not a stack. */
function expectNoLeak(answer: Answer): void {
  for (const secret of [fuzzKey, t.gw.adminToken]) if (answer.text.includes(secret)) throw new Error('an answer repeats a secret');
  if (/\bat .+\.(ts|js):\d+/.test(answer.text)) throw new Error(`an answer carries a stack trace: ${answer.text.slice(0, 300)}`);
}

function expect413(answer: Answer): void {
  if (answer.status !== 413) throw new Error(`a body over the function URL limit got ${answer.status}, not 413`);
}

/**
 * Runs one property: each generated case is sent and its answer checked. `minOk` is the share of cases that
 * must get a 200 (streamed ones among them), so a gateway that refused everything could not pass.
 */
async function fuzz(arbitrary: fc.Arbitrary<[Case, Expect]>, numRuns: number, minOk: { ok: number; streamed?: number }): Promise<void> {
  const seen = { cases: 0, ok: 0, streamed: 0 };
  await fc.assert(
    fc.asyncProperty(arbitrary, async ([c, expected]) => {
      const answer = await send(c);
      expectNoLeak(answer);
      seen.cases++;
      if (answer.status === 200) seen.ok++;
      if (answer.status === 200 && answer.contentType.startsWith('text/event-stream')) seen.streamed++;
      // Over the function URL's limit the platform answers 413 in its own words, before the gateway runs.
      if (answer.sent > FUNCTION_URL_MAX_BODY_BYTES) return expect413(answer);
      // A HEAD answer has no body by definition: only its status can be judged.
      checkAnswer(c.method === 'HEAD' ? { shape: 'none' } : expected, answer);
    }),
    { seed: SEED, numRuns, endOnFailure: false },
  );
  expect(seen.ok / seen.cases, `share of 200s (${JSON.stringify(seen)})`).toBeGreaterThanOrEqual(minOk.ok);
  expect(seen.streamed / seen.cases, `share of streamed 200s (${JSON.stringify(seen)})`).toBeGreaterThanOrEqual(minOk.streamed ?? 0);
}

describe('fuzzing the admin API', () => {
  it('never answers 5xx, always in OpenAI error shape, and a refused request changes no account or key', async () => {
    const accountBody = fc.record(
      {
        name: text,
        plan: fc.oneof(fc.constantFrom('free', 'pro', 'enterprise'), fc.string({ maxLength: 6 })),
        custom_limits: fc.dictionary(fc.constantFrom('requests_per_minute', 'tokens_per_minute', 'tokens_per_month', 'concurrent_requests', 'max_tokens_per_request', 'x'), fc.oneof(fc.integer({ min: -5, max: 10_000 }), fc.constant(null))),
      },
      { requiredKeys: [] },
    );
    const keyBody = fc.record(
      {
        label: text,
        expires_at: fc.oneof(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constant(Math.floor(Date.now() / 1000) + 3_600), fc.string({ maxLength: 6 })),
        ip_allowlist: fc.array(fc.oneof(fc.constantFrom('10.0.0.0/8', '::1', '2001:db8::/32', '300.1.1.1', '1.2.3.4/33', ''), fc.string({ maxLength: 6 })), { maxLength: 3 }),
        grace_period_seconds: fc.integer({ min: -10, max: 100_000 }),
      },
      { requiredKeys: [] },
    );
    const account = () => pathId([victim.accountId, 'acct_0000000000000000']);
    const key = () => pathId([victim.keyId]);
    const route = fc.oneof(
      fc.constant('/admin/accounts'),
      account().map((id) => `/admin/accounts/${id}`),
      account().map((id) => `/admin/accounts/${id}/keys`),
      fc.tuple(account(), fc.constantFrom('', '?from=2026-01-01', '?from=2026-13-01&to=x', '?group_by=model', '?group_by=%ZZ', '?x=1&x=2')).map(([id, q]) => `/admin/accounts/${id}/usage${q}`),
      key().map((id) => `/admin/keys/${id}`),
      key().map((id) => `/admin/keys/${id}/rotate`),
      fc.constantFrom('/admin', '/admin/', '/admin/accounts?limit=0', '/admin/accounts?limit=5&after=%ZZ', '/admin/accounts?after=__', '/admin/unknown'),
    );
    const adminCase = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'),
      path: route,
      headers: fc.constant({ ...json, 'x-admin': 'GOOD' }),
      body: fc.option(bodyOf(fc.oneof(accountBody, keyBody)), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(adminCase, async (c) => {
        const snapshot = await keysTableSnapshot(t.gw);
        const answer = await send(c);
        expectNoLeak(answer);
        if (answer.sent > FUNCTION_URL_MAX_BODY_BYTES) expect413(answer);
        else checkAnswer({ shape: 'openai', ok: 'object' }, answer);
        if (answer.status >= 400) {
          const after = await keysTableSnapshot(t.gw);
          if (JSON.stringify(after) !== JSON.stringify(snapshot)) throw new Error(`a refused admin request (${answer.status}) changed the keys table`);
        }
      }),
      { seed: SEED, numRuns: RUNS.admin, endOnFailure: false },
    );
  }, 60_000);
});

describe('fuzzing the API', () => {
  it('POST /v1/chat/completions: schema-generated and mutated bodies', async () => {
    await fuzz(
      bodyOf(chatBase).map((body): [Case, Expect] => [{ method: 'POST', path: '/v1/chat/completions', headers: bearer, body }, { shape: 'openai', ok: 'CreateChatCompletionResponse', stream: 'chat' }]),
      RUNS.chat, { ok: 0.15, streamed: 0.03 },
    );
  }, 60_000);

  it('POST /v1/responses: schema-generated and mutated bodies', async () => {
    await fuzz(
      bodyOf(responsesBase).map((body): [Case, Expect] => [{ method: 'POST', path: '/v1/responses', headers: bearer, body }, { shape: 'openai', ok: 'Response', stream: 'responses' }]),
      RUNS.responses, { ok: 0.15, streamed: 0.03 },
    );
  }, 60_000);

  it('POST /v1/messages and /v1/messages/count_tokens: mutated bodies, in the Anthropic shape', async () => {
    await fuzz(
      fc.tuple(bodyOf(messagesBase), fc.nat(3).map((n) => n === 0), fc.constantFrom<Record<string, string>>({ 'x-api-key': 'GOOD' }, { authorization: 'Bearer GOOD' })).map(([body, count, auth]): [Case, Expect] => [
        { method: 'POST', path: count ? '/v1/messages/count_tokens' : '/v1/messages', headers: { ...json, 'anthropic-version': '2023-06-01', ...auth }, body },
        { shape: 'anthropic', ok: count ? 'CountTokensResponse' : 'Message', stream: 'messages' },
      ]),
      RUNS.messages, { ok: 0.15, streamed: 0.03 },
    );
  }, 60_000);

  it('path ids with random escapes and wrong methods on every /v1 path', async () => {
    type Ok = (Expect & { shape: 'openai' })['ok'];
    const paths = fc.oneof(
      // A trailing slash is forgiven: "/v1/models/" is the list.
      pathId(MODEL_IDS).map((id): [string, Ok] => [`/v1/models/${id}`, /^\/*$/.test(id) ? 'ListModelsResponse' : 'Model']),
      pathId(['resp_00000000000000000000000000000000']).map((id): [string, Ok] => [`/v1/responses/${id}`, 'Response']),
      fc.constantFrom<[string, Ok]>(['/v1/models', 'ListModelsResponse'], ['/v1/chat/completions', undefined], ['/v1/responses', undefined], ['/v1', undefined], ['/v1/', undefined], ['/', undefined], ['/v2/models', undefined], ['//v1//models', undefined]),
    );
    await fuzz(
      fc.tuple(paths, fc.oneof({ weight: 3, arbitrary: fc.constant('GET') }, fc.constantFrom('DELETE', 'POST', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'))).map(([[path, ok], method]): [Case, Expect] => [
        { method, path, headers: bearer },
        { shape: 'openai', ok: method === 'DELETE' ? 'deleted' : ok },
      ]),
      RUNS.paths, { ok: 0.02 },
    );
  }, 60_000);

  it('odd header values on every endpoint', async () => {
    const auth = fc.oneof(
      { weight: 3, arbitrary: fc.constant('Bearer GOOD') },
      fc.constantFrom('', 'Bearer', 'Bearer ', 'bearer GOOD', 'Bearer  GOOD', 'Basic Zm9vOmJhcg==', `Bearer op_${'x'.repeat(37)}`, 'Bearer GOOD GOOD', `Bearer ${'a'.repeat(8_000)}`, 'Bearer GOOD\t', 'Bearer sk-ant-xyz'),
    );
    const contentType = fc.constantFrom('application/json', 'APPLICATION/JSON', 'text/plain', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '*/*', '');
    const extra = fc.dictionary(
      fc.constantFrom('x-forwarded-for', 'anthropic-beta', 'anthropic-version', 'accept', 'accept-encoding', 'x-api-key', 'user-agent', 'x-request-id', 'openai-organization', 'idempotency-key'),
      fc.constantFrom('', ' ', 'a'.repeat(4_000), '1.2.3.4, 5.6.7.8', 'not-an-ip', '::1', '*', 'gzip, br', 'interleaved-thinking-2025-05-14,,', 'text/event-stream', 'GOOD'),
      { maxKeys: 3 },
    );
    const endpoint = fc.constantFrom<[string, string, unknown, Expect]>(
      ['POST', '/v1/chat/completions', { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hello' }] }, { shape: 'openai', ok: 'CreateChatCompletionResponse' }],
      ['POST', '/v1/responses', { model: 'claude-haiku-4.5', input: 'Hello' }, { shape: 'openai', ok: 'Response' }],
      ['POST', '/v1/messages', { model: 'gemini-2.5-flash', max_tokens: 32, messages: [{ role: 'user', content: 'Hello' }] }, { shape: 'anthropic', ok: 'Message' }],
      ['GET', '/v1/models', undefined, { shape: 'openai', ok: 'ListModelsResponse' }],
    );
    await fuzz(
      fc.tuple(endpoint, auth, contentType, extra).map(([[method, path, base, expect], authorization, type, more]): [Case, Expect] => {
        const headers: Record<string, string> = { ...more };
        if (authorization) headers.authorization = authorization;
        if (type) headers['content-type'] = type;
        return [{ method, path, headers, ...(base ? { body: { base, mutations: [] } } : {}) }, expect];
      }),
      RUNS.headers, { ok: 0.5 },
    );
  }, 60_000);
});
