// Catalog models in admin bodies (snake_case, the names GET /v1/models shows) parsed into entries, every
// field checked and named when wrong; and an entry as the admin API shows it. Checks that need the rest of
// the catalog (ids and aliases taken, the successor) are the service's (model-service.ts).
import { PROVIDER_NAMES } from '../../config';
import type { CatalogEntry, ModelSpec, Tier } from '../catalog';
import { MODEL_STATUSES, TIERS, type ModelStatus } from '../catalog';
import { fail, isObject, oneOf, onlyKnown, text, type Json } from './fields';

const ID = /^[a-z0-9][a-z0-9._:-]{0,99}$/;
const MAX_PRICE = 10_000;
const MAX_CONTEXT = 100_000_000;
const CAPABILITIES = ['tools', 'vision', 'documents', 'json_output', 'json_schema', 'reasoning'] as const;
const CAPABILITY_FIELD = { tools: 'tools', vision: 'vision', documents: 'documents', json_output: 'jsonObject', json_schema: 'jsonSchema', reasoning: 'reasoning' } as const;
const FIELDS = ['id', 'aliases', 'owned_by', 'context_window', 'max_output_tokens', 'pricing', 'tier', 'capabilities', 'quality_score', 'latency', 'routes', 'status', 'successor'];

function modelId(v: unknown, param: string): string {
  if (typeof v !== 'string') return fail(`'${param}' must be a string.`, param, 'invalid_type');
  if (!ID.test(v)) return fail(`'${param}' must be 1 to 100 lower-case letters, digits, '.', '_', ':' or '-', starting with a letter or digit.`, param);
  if (v === 'auto') return fail(`'${param}' cannot be 'auto': that name routes.`, param);
  return v;
}

function number(v: unknown, param: string, min: number, max: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isSafeInteger(v))) return fail(`'${param}' must be ${integer ? 'an integer' : 'a number'}.`, param, 'invalid_type');
  if (v < min || v > max) return fail(`'${param}' must be between ${min} and ${max}, got ${v}.`, param);
  return v;
}

function object(v: unknown, param: string, known: readonly string[]): Json {
  if (!isObject(v)) return fail(`'${param}' must be an object.`, param, 'invalid_type');
  onlyKnown(v, known, `${param}.`);
  return v;
}

function pricing(v: unknown): ModelSpec['pricing'] {
  const p = object(v, 'pricing', ['input_per_1m', 'output_per_1m', 'cached_input_per_1m', 'cache_write_per_1m']);
  for (const f of ['input_per_1m', 'output_per_1m']) if (p[f] === undefined) fail(`Missing required parameter: 'pricing.${f}'.`, `pricing.${f}`, 'missing_parameter');
  const price = (f: string) => number(p[f], `pricing.${f}`, 0, MAX_PRICE);
  const input = price('input_per_1m');
  return {
    inputPer1M: input,
    outputPer1M: price('output_per_1m'),
    // Absent: the vendor charges plain input for cache reads and writes (or has no cache).
    cachedInputPer1M: p.cached_input_per_1m === undefined ? input : price('cached_input_per_1m'),
    cacheWritePer1M: p.cache_write_per_1m === undefined ? input : price('cache_write_per_1m'),
  };
}

function capabilities(v: unknown): ModelSpec['capabilities'] {
  const c = object(v, 'capabilities', CAPABILITIES);
  const out = { tools: false, vision: false, documents: false, jsonObject: false, jsonSchema: false, reasoning: false };
  for (const name of CAPABILITIES) {
    if (c[name] === undefined) continue;
    if (typeof c[name] !== 'boolean') fail(`'capabilities.${name}' must be true or false.`, `capabilities.${name}`, 'invalid_type');
    out[CAPABILITY_FIELD[name]] = c[name] as boolean;
  }
  return out;
}

function routes(v: unknown): ModelSpec['routes'] {
  if (!Array.isArray(v) || v.length === 0) return fail(`'routes' must be a non-empty array of {"provider", "upstream_model"}, in preference order.`, 'routes', 'invalid_type');
  if (v.length > 8) return fail(`'routes' may hold at most 8 routes.`, 'routes');
  return v.map((r: unknown, i) => {
    const route = object(r, `routes[${i}]`, ['provider', 'upstream_model']);
    if (route.provider === undefined) fail(`Missing required parameter: 'routes[${i}].provider'.`, `routes[${i}].provider`, 'missing_parameter');
    const provider = oneOf(route.provider, `routes[${i}].provider`, PROVIDER_NAMES);
    if (route.upstream_model === undefined) fail(`Missing required parameter: 'routes[${i}].upstream_model'.`, `routes[${i}].upstream_model`, 'missing_parameter');
    return { provider, upstreamModel: text(route.upstream_model, `routes[${i}].upstream_model`, 1, 200) };
  });
}

function aliases(v: unknown): string[] {
  if (!Array.isArray(v)) return fail(`'aliases' must be an array of model ids.`, 'aliases', 'invalid_type');
  if (v.length > 20) return fail(`'aliases' may hold at most 20 ids.`, 'aliases');
  const out = v.map((a: unknown, i) => modelId(a, `aliases[${i}]`));
  return [...new Set(out)];
}

function latency(v: unknown): ModelSpec['latency'] {
  const l = object(v, 'latency', ['ttft_ms', 'tokens_per_second']);
  return {
    ttftMs: l.ttft_ms === undefined ? DEFAULT_LATENCY.ttftMs : number(l.ttft_ms, 'latency.ttft_ms', 1, 600_000, true),
    tokensPerSecond: l.tokens_per_second === undefined ? DEFAULT_LATENCY.tokensPerSecond : number(l.tokens_per_second, 'latency.tokens_per_second', 0.1, 100_000),
  };
}

/** Speed routing's assumption for a model nobody has measured yet, until live measurements exist. */
const DEFAULT_LATENCY = { ttftMs: 1_000, tokensPerSecond: 50 };

export interface ModelFields {
  spec: ModelSpec;
  status: ModelStatus;
  successor?: string | null;
}

/**
 * A whole model (POST), or a change laid over an existing one (PATCH: every field optional, `id` fixed);
 * the result is checked as a whole either way.
 */
export function parseModel(body: Json, base?: CatalogEntry): ModelFields {
  onlyKnown(body, FIELDS);
  if (base && body.id !== undefined && body.id !== base.spec.id) fail(`'id' cannot be changed; add a model under the new id and retire this one.`, 'id');
  if (!base && Object.keys(body).length === 0) fail('Provide the model: id, owned_by, context_window, max_output_tokens, pricing, tier and routes.', null, 'missing_parameter');
  if (base && Object.keys(body).length === 0) fail(`Provide at least one of: ${FIELDS.slice(1).join(', ')}.`, null, 'missing_parameter');
  const required = (name: string) => {
    if (!base && body[name] === undefined) fail(`Missing required parameter: '${name}'.`, name, 'missing_parameter');
  };
  for (const name of ['id', 'owned_by', 'context_window', 'max_output_tokens', 'pricing', 'tier', 'routes']) required(name);
  const prior = base?.spec;
  const contextWindow = body.context_window === undefined ? prior!.contextWindow : number(body.context_window, 'context_window', 1, MAX_CONTEXT, true);
  const maxOutputTokens = body.max_output_tokens === undefined ? prior!.maxOutputTokens : number(body.max_output_tokens, 'max_output_tokens', 1, MAX_CONTEXT, true);
  if (maxOutputTokens > contextWindow) fail(`'max_output_tokens' (${maxOutputTokens}) cannot be above 'context_window' (${contextWindow}).`, 'max_output_tokens');
  const spec: ModelSpec = {
    id: prior?.id ?? modelId(body.id, 'id'),
    aliases: body.aliases === undefined ? (prior?.aliases ?? []) : aliases(body.aliases),
    ownedBy: body.owned_by === undefined ? prior!.ownedBy : text(body.owned_by, 'owned_by', 1, 100),
    contextWindow,
    maxOutputTokens,
    pricing: body.pricing === undefined ? prior!.pricing : pricing(body.pricing),
    tier: body.tier === undefined ? prior!.tier : oneOf<Tier>(body.tier, 'tier', TIERS),
    capabilities: body.capabilities === undefined ? (prior?.capabilities ?? capabilities({})) : capabilities(body.capabilities),
    quality: body.quality_score === undefined ? (prior?.quality ?? 50) : number(body.quality_score, 'quality_score', 0, 100),
    latency: body.latency === undefined ? (prior?.latency ?? DEFAULT_LATENCY) : latency(body.latency),
    routes: body.routes === undefined ? prior!.routes : routes(body.routes),
  };
  if (spec.aliases.includes(spec.id)) fail(`'aliases' cannot hold the model's own id.`, 'aliases');
  const status = body.status === undefined ? (base?.status ?? 'active') : oneOf(body.status, 'status', MODEL_STATUSES);
  const successor = body.successor === undefined ? base?.successor : body.successor === null ? null : modelId(body.successor, 'successor');
  if (successor && status === 'active') fail(`'successor' is for deprecated and retired models; this one would be active.`, 'successor');
  return { spec, status, ...(successor !== undefined ? { successor } : {}) };
}

export function modelAdminView(entry: CatalogEntry) {
  const m = entry.spec;
  return {
    object: 'catalog.model' as const,
    id: m.id,
    aliases: m.aliases,
    owned_by: m.ownedBy,
    context_window: m.contextWindow,
    max_output_tokens: m.maxOutputTokens,
    pricing: { input_per_1m: m.pricing.inputPer1M, output_per_1m: m.pricing.outputPer1M, cached_input_per_1m: m.pricing.cachedInputPer1M, cache_write_per_1m: m.pricing.cacheWritePer1M },
    tier: m.tier,
    capabilities: Object.fromEntries(CAPABILITIES.map((c) => [c, m.capabilities[CAPABILITY_FIELD[c]]])),
    quality_score: m.quality,
    latency: { ttft_ms: m.latency.ttftMs, tokens_per_second: m.latency.tokensPerSecond },
    routes: m.routes.map((r) => ({ provider: r.provider, upstream_model: r.upstreamModel })),
    status: entry.status,
    successor: entry.successor ?? null,
    source: entry.source,
    updated_at: entry.updatedAt ? Math.floor(Date.parse(entry.updatedAt) / 1000) : null,
  };
}

export type ModelAdminView = ReturnType<typeof modelAdminView>;
