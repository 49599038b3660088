// Routing decisions, table-driven over the real catalog: what each mode picks, and what the capability
// filters exclude. Expected winners are worked out by hand from the catalog's prices, scores and latency
// defaults (see the comments), so a change to the rules or the catalog shows up here.
import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError } from '../../lambda/wire/errors';
import type { CanonicalRequest, RoutingMode } from '../../lambda/core/canonical/request';
import { Catalog, SEED_MODELS, type ModelSpec } from '../../lambda/core/catalog';
import { EXPECTED_OUTPUT_TOKENS, expectedCost, expectedLatencyMs, planRoute as plan0, type RoutingInputs } from '../../lambda/core/routing';
import { user } from '../helpers/provider';

const catalog = new Catalog(SEED_MODELS);
const MODELS = catalog.models;
const planRoute = (request: CanonicalRequest, inputs?: RoutingInputs) => plan0(request, catalog, inputs);

const ask = (patch: Partial<CanonicalRequest> = {}): CanonicalRequest => ({
  model: 'auto',
  messages: [user('Summarise this please')],
  stream: false,
  sampling: {},
  ...patch,
});
/** A prompt of about `tokens` tokens (4 characters per token). */
const long = (tokens: number): CanonicalRequest['messages'] => [user('x'.repeat(tokens * 4))];
const model = (id: string) => catalog.find(id) as ModelSpec;

const tools: CanonicalRequest['tools'] = [{ name: 'lookup', parameters: { type: 'object', properties: {} } }];
const image: CanonicalRequest['messages'] = [
  { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } }] },
];
const pdf: CanonicalRequest['messages'] = [{ role: 'user', content: [{ type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } }] }];
const schema: CanonicalRequest['output'] = { type: 'json_schema', name: 'x', schema: { type: 'object' } };

interface Case {
  name: string;
  request: CanonicalRequest;
  inputs?: RoutingInputs;
  winner: string;
  excluded?: string[];
}

const cases: Array<Case & { mode: RoutingMode | undefined }> = [
  // Short prompt, 500 expected output tokens: nova-lite 500 x 0.24 is the lowest output bill.
  { name: 'cost, short prompt', mode: 'cost', request: ask(), winner: 'nova-lite' },
  // gemini-2.5-flash-lite: 400 ms + 500 / 280 tok/s = 2186 ms; llama-3.3-70b 2400 ms is next.
  { name: 'speed, short prompt', mode: 'speed', request: ask(), winner: 'gemini-2.5-flash-lite' },
  { name: 'quality, short prompt', mode: 'quality', request: ask(), winner: 'gpt-5' },
  { name: 'no routing means quality', mode: undefined, request: ask(), winner: 'gpt-5' },
  { name: 'cost with tools', mode: 'cost', request: ask({ tools }), winner: 'nova-lite', excluded: ['deepseek-reasoner'] },
  {
    name: 'cost with an image',
    mode: 'cost',
    request: ask({ messages: image }),
    winner: 'nova-lite',
    excluded: ['llama-3.3-70b', 'deepseek-chat', 'deepseek-reasoner', 'mistral-large'],
  },
  // Every model that can enforce a schema (natively or by a forced tool call) stays in; Llama and the
  // DeepSeek reasoner cannot.
  {
    name: 'cost with a JSON schema',
    mode: 'cost',
    request: ask({ output: schema }),
    winner: 'nova-lite',
    excluded: ['llama-3.3-70b', 'deepseek-reasoner'],
  },
  {
    name: 'cost with a PDF document',
    mode: 'cost',
    request: ask({ messages: pdf }),
    winner: 'nova-lite',
    excluded: ['llama-3.3-70b', 'deepseek-chat', 'deepseek-reasoner', 'mistral-large'],
  },
  // 250k prompt tokens: input price dominates, and the 128k/200k windows are out.
  {
    name: 'cost, 250k-token prompt',
    mode: 'cost',
    request: ask({ messages: long(250_000) }),
    winner: 'gpt-5-nano',
    excluded: ['claude-sonnet-4', 'claude-haiku-4.5', 'llama-3.3-70b', 'deepseek-chat', 'mistral-large'],
  },
  // 300k + gpt-5's 128k output cap no longer fits 400k; nova's 300k is out too.
  {
    name: 'quality, 300k-token prompt',
    mode: 'quality',
    request: ask({ messages: long(300_000) }),
    winner: 'gemini-2.5-pro',
    excluded: ['gpt-5', 'gpt-5-mini', 'nova-lite', 'claude-opus-4.1'],
  },
  // ...unless the caller caps the output: 300k + 1000 fits gpt-5 again.
  { name: 'quality, 300k-token prompt, max_tokens 1000', mode: 'quality', request: ask({ messages: long(300_000), maxOutputTokens: 1000 }), winner: 'gpt-5' },
  {
    name: 'max_tokens above a model maximum',
    mode: 'cost',
    request: ask({ maxOutputTokens: 20_000 }),
    // With 20k output tokens the output price decides: gpt-5-nano and flash-lite (0.40) beat llama (0.72).
    winner: 'gpt-5-nano',
    excluded: ['nova-lite', 'nova-pro', 'llama-3.3-70b', 'deepseek-chat', 'mistral-large'],
  },
];

describe('planRoute for model "auto"', () => {
  it.each(cases)('$name -> $winner', ({ mode, request, inputs, winner, excluded = [] }) => {
    const plan = planRoute({ ...request, ...(mode ? { routing: mode } : {}) }, inputs);
    expect(plan.models[0]?.id).toBe(winner);
    expect(plan.candidates[0]).toBe(winner);
    expect(plan.mode).toBe(mode ?? 'quality');
    for (const id of excluded) expect(plan.candidates, id).not.toContain(id);
    // The fallback list stays in the winner's tier.
    expect(new Set(plan.models.map((m) => m.tier))).toEqual(new Set([model(winner).tier]));
  });

  it.each(['cost', 'speed', 'quality'] as const)('%s ranks every capable model by its definition', (mode) => {
    const request = ask({ routing: mode });
    const plan = planRoute(request);
    expect(plan.candidates).toHaveLength(MODELS.length);
    const key = (id: string): [number, number] => {
      const m = model(id);
      const cost = expectedCost(m, plan.promptTokens, {});
      if (mode === 'cost') return [cost, -m.quality];
      if (mode === 'speed') return [expectedLatencyMs(m, {}), cost];
      return [-m.quality, cost];
    };
    for (let i = 1; i < plan.candidates.length; i++) {
      const [a1, a2] = key(plan.candidates[i - 1] as string);
      const [b1, b2] = key(plan.candidates[i] as string);
      expect(a1 < b1 || (a1 === b1 && a2 <= b2), `${plan.candidates[i - 1]} before ${plan.candidates[i]}`).toBe(true);
    }
    expect(plan.reason).toBe(`${mode}: ${{ cost: 'cheapest', speed: 'fastest', quality: 'best quality' }[mode]} of ${MODELS.length} capable`);
  });

  it('falls back within the tier, each model once, best first', () => {
    expect(planRoute(ask()).models.map((m) => m.id)).toEqual(['gpt-5', 'gemini-2.5-pro', 'claude-opus-4.1', 'deepseek-reasoner']);
    expect(planRoute(ask({ routing: 'cost' })).models.map((m) => m.id)).toEqual([
      'nova-lite', 'gpt-5-nano', 'gemini-2.5-flash-lite', 'llama-3.3-70b', 'claude-haiku-4.5',
    ]);
  });

  it('assumes 500 output tokens when the caller sets no cap', () => {
    expect(EXPECTED_OUTPUT_TOKENS).toBe(500);
    // With a 10-token cap latency is mostly time to first token: nova-lite's 350 ms wins.
    expect(planRoute(ask({ routing: 'speed', maxOutputTokens: 10 })).models[0]?.id).toBe('nova-lite');
  });

  it("applies the plan's per-request output cap to the context check", () => {
    // 190k prompt tokens: with Claude's own 64k output cap it overflows 200k; a plan capped at 4096 fits.
    const request = ask({ messages: long(190_000), routing: 'cost' });
    expect(planRoute(request, { planMaxTokens: null }).candidates).not.toContain('claude-sonnet-4');
    expect(planRoute(request, { planMaxTokens: 4_096 }).candidates).toContain('claude-sonnet-4');
  });

  it('says why nothing is capable, as a 400 naming the model field', () => {
    const err = (() => {
      try {
        planRoute(ask({ messages: long(1_100_000) }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).param).toBe('model');
    expect((err as BadRequestError).code).toBe('no_capable_model');
    expect((err as BadRequestError).message).toContain('16 context window too small');
  });

  it('follows live latency for speed', () => {
    const slow = (m: ModelSpec) => (m.id === 'gemini-2.5-flash-lite' ? { ttftMs: 5_000, tokensPerSecond: 280 } : undefined);
    // Next by catalog defaults: llama-3.3-70b, 400 ms + 500 / 250 tok/s = 2400 ms.
    expect(planRoute(ask({ routing: 'speed' }), { latency: slow }).models[0]?.id).toBe('llama-3.3-70b');
    const fast = (m: ModelSpec) => (m.id === 'claude-haiku-4.5' ? { ttftMs: 50, tokensPerSecond: 1_000 } : undefined);
    expect(planRoute(ask({ routing: 'speed' }), { latency: fast }).models[0]?.id).toBe('claude-haiku-4.5');
  });

  it('passes over models with no usable route, keeping them last', () => {
    const plan = planRoute(ask(), { available: (m) => m.id !== 'gpt-5' });
    expect(plan.models.map((m) => m.id)).toEqual(['gemini-2.5-pro', 'claude-opus-4.1', 'deepseek-reasoner', 'gpt-5']);
    expect(plan.reason).toBe('quality: best quality of 16 capable, 1 unavailable');
    const none = planRoute(ask(), { available: () => false });
    expect(none.models[0]?.id).toBe('gpt-5');
    expect(none.reason).toBe('quality: best quality of 16 capable, none available');
  });

  it('sends one speed request to a model whose latency data is stale', () => {
    const seen: string[][] = [];
    const plan = planRoute(ask({ routing: 'speed' }), {
      remeasure: (ranked) => {
        seen.push(ranked.map((m) => m.id));
        return model('nova-lite');
      },
    });
    expect(seen).toEqual([['gemini-2.5-flash-lite', 'llama-3.3-70b', 'nova-lite', 'gpt-5-nano', 'claude-haiku-4.5']]);
    expect(plan.models.map((m) => m.id)).toEqual(['nova-lite', 'gemini-2.5-flash-lite', 'llama-3.3-70b', 'gpt-5-nano', 'claude-haiku-4.5']);
    expect(plan.reason).toBe('speed: re-measuring nova-lite (latency data stale)');
    // Only speed re-measures.
    expect(planRoute(ask({ routing: 'cost' }), { remeasure: () => model('gpt-5-nano') }).models[0]?.id).toBe('nova-lite');
  });

});

describe('planRoute for an explicit model', () => {
  it('plans that model alone and ignores routing', () => {
    const plan = planRoute(ask({ model: 'claude-sonnet-4', routing: 'cost' }));
    expect(plan.models.map((m) => m.id)).toEqual(['claude-sonnet-4']);
    expect(plan.mode).toBe('explicit');
    expect(plan.reason).toBe('explicit: requested model');
  });

  it('404s an unknown model', () => {
    expect(() => planRoute(ask({ model: 'gpt-0' }))).toThrow(NotFoundError);
  });

  it('resolves vendor ids and dashed forms as aliases of the catalog model', () => {
    for (const alias of ['claude-sonnet-4-20250514', 'claude-haiku-4-5', 'CLAUDE-HAIKU-4-5-20251001', 'gpt-5-mini-2025-08-07', 'claude-3-5-haiku-20241022']) {
      expect(planRoute(ask({ model: alias })).models[0]?.id, alias).toBe(model(alias).id);
    }
    expect(planRoute(ask({ model: 'claude-3-5-haiku-latest' })).models[0]?.id).toBe('claude-haiku-4.5');
  });

  it('refuses, before any call, a request the named model cannot serve, naming the field', () => {
    const refused = (request: CanonicalRequest) => {
      try {
        planRoute(request);
      } catch (e) {
        return e as BadRequestError;
      }
      throw new Error('expected a refusal');
    };
    expect(refused(ask({ model: 'deepseek-reasoner', output: schema }))).toMatchObject({ param: 'response_format', code: 'model_incapable' });
    expect(refused(ask({ model: 'deepseek-reasoner', tools }))).toMatchObject({ param: 'tools' });
    expect(refused(ask({ model: 'mistral-large', messages: image }))).toMatchObject({ param: 'messages' });
    expect(refused(ask({ model: 'llama-3.3-70b', messages: pdf }))).toMatchObject({ param: 'messages' });
    expect(refused(ask({ model: 'nova-lite', maxOutputTokens: 20_000 }))).toMatchObject({ param: 'max_tokens' });
    expect(refused(ask({ model: 'deepseek-reasoner', output: schema }))).toBeInstanceOf(BadRequestError);
  });
});
