// Model selection. Pure: no I/O (live health arrives as plain functions over cached state), so a decision
// costs microseconds.
// - An explicit model is planned alone; `routing` is accepted with it and ignored (there is nothing to
//   choose: its own routes are the fallback).
// - `model: "auto"`: the candidates are the catalog models capable of the request (context window, output
//   cap, tools, images, JSON output, within the plan's per-request output cap), ranked by the objective:
//   cost = lowest expected cost, speed = lowest expected latency (live measurements, catalog defaults
//   before any exist), quality = highest quality score, ties broken by cost. The winner's tier bounds the
//   fallback list, so a request never falls back onto a model of another class (and price) than the
//   objective chose. Models without a usable route (breaker open) go last, to be skipped.
import { BadRequestError, NotFoundError } from '../wire/errors';
import { quote } from '../wire/json';
import { hasDocuments, hasImages, type CanonicalRequest, type RoutingMode } from './canonical/request';
import type { Catalog, ModelSpec } from './catalog';
import { estimatePromptTokens } from './tokens';
import { modelNotAllowed } from './model-access';

export interface RoutingPlan {
  /** Models to try, best first. Routes within each model are tried before the next model. */
  models: ModelSpec[];
  mode: RoutingMode | 'explicit';
  /** A few words on why the first model won, for the x-op-routing-reason header. */
  reason: string;
  promptTokens: number;
  /** Every capable model, best first (for an explicit model: that model). */
  candidates: string[];
}

export interface Latency {
  ttftMs: number;
  tokensPerSecond: number;
}

export interface RoutingInputs {
  /** The output cap the caller asked for; defaults to the request's max_tokens. */
  maxTokens?: number;
  /** The largest output cap the caller's plan allows per request; null or absent: no plan cap. */
  planMaxTokens?: number | null;
  /** Live latency of the route that would serve the model; undefined: use the catalog's defaults. */
  latency?: (model: ModelSpec) => Latency | undefined;
  /** True when at least one route of the model can be called now (provider configured, breaker not open). */
  available?: (model: ModelSpec) => boolean;
  /**
   * Speed only: given the tier's usable models best first, a model other than the first whose latency
   * data is stale, to send this one request to so it gets measured again; undefined for none.
   */
  remeasure?: (ranked: readonly ModelSpec[]) => ModelSpec | undefined;
  /** The key's model allowlist (core/model-access.ts); absent: every model. Nothing outside it is planned. */
  allowed?: (model: ModelSpec) => boolean;
}

/** How `auto`'s refusal counts the models an allowlist left out. */
export const NOT_ALLOWED = "not in this key's allowed_models";

/** When the caller sets no cap, cost and speed assume an answer of this many tokens. */
export const EXPECTED_OUTPUT_TOKENS = 500;

/** The output cap a model gets for this request: the caller's, within the plan's and the model's own. */
export function outputCap(model: ModelSpec, inputs: RoutingInputs): number {
  return Math.min(inputs.maxTokens ?? model.maxOutputTokens, inputs.planMaxTokens ?? Infinity, model.maxOutputTokens);
}

export function expectedOutputTokens(model: ModelSpec, inputs: RoutingInputs): number {
  return Math.min(inputs.maxTokens ?? EXPECTED_OUTPUT_TOKENS, inputs.planMaxTokens ?? Infinity, model.maxOutputTokens);
}

/** Expected cost in USD per million (the unit does not matter: it is only compared). */
export function expectedCost(model: ModelSpec, promptTokens: number, inputs: RoutingInputs): number {
  return promptTokens * model.pricing.inputPer1M + expectedOutputTokens(model, inputs) * model.pricing.outputPer1M;
}

export function expectedLatencyMs(model: ModelSpec, inputs: RoutingInputs): number {
  const l = inputs.latency?.(model) ?? model.latency;
  return l.ttftMs + (1000 * expectedOutputTokens(model, inputs)) / Math.max(l.tokensPerSecond, 1e-6);
}

/** A feature a request needs that a model may lack, with the request field that asks for it. */
interface Lack {
  why: string;
  param: string;
}

/** The first feature this request needs that `model` lacks (the context window aside), or undefined. */
function lacking(model: ModelSpec, request: CanonicalRequest): Lack | undefined {
  const c = model.capabilities;
  if (request.tools?.length && !c.tools) return { why: 'no tool support', param: 'tools' };
  if (!c.vision && hasImages(request)) return { why: 'no image input', param: 'messages' };
  if (!c.documents && hasDocuments(request)) return { why: 'no document input', param: 'messages' };
  if (request.output?.type === 'json_schema' && !c.jsonSchema) return { why: 'no way to enforce a JSON schema', param: 'response_format' };
  if (request.output?.type === 'json' && !c.jsonObject) return { why: 'no JSON output', param: 'response_format' };
  return undefined;
}

/** Why a model cannot serve this request, or undefined when it can. */
export function incapability(model: ModelSpec, request: CanonicalRequest, promptTokens: number, inputs: RoutingInputs): string | undefined {
  if (inputs.maxTokens !== undefined && inputs.maxTokens > model.maxOutputTokens) return 'max output tokens too small';
  if (promptTokens + outputCap(model, inputs) > model.contextWindow) return 'context window too small';
  return lacking(model, request)?.why;
}

/** Lower is better. */
function score(mode: RoutingMode, promptTokens: number, inputs: RoutingInputs): (m: ModelSpec) => [number, number] {
  const cost = (m: ModelSpec) => expectedCost(m, promptTokens, inputs);
  if (mode === 'cost') return (m) => [cost(m), -m.quality];
  if (mode === 'speed') return (m) => [expectedLatencyMs(m, inputs), cost(m)];
  return (m) => [-m.quality, cost(m)];
}

const REASON: Record<RoutingMode, string> = { cost: 'cheapest', speed: 'fastest', quality: 'best quality' };

/** 404 model_not_found, in the words OpenAI uses. */
export function modelNotFound(id: string): NotFoundError {
  return new NotFoundError(`The model '${quote(id)}' does not exist or you do not have access to it.`, { param: 'model', code: 'model_not_found' });
}

/**
 * The model an id or alias names. A retired model's id answers with its successor when one is set (the
 * answer's `model` says which served); without one it is a 404 that says it was retired.
 */
export function resolveModel(catalog: Catalog, id: string): ModelSpec {
  const model = catalog.find(id);
  if (model) return model;
  const retired = catalog.retired(id);
  if (retired?.successor) return retired.successor;
  if (retired) {
    throw new NotFoundError(`The model '${quote(id)}' was retired and has no successor; see GET /v1/models for the models available.`, { param: 'model', code: 'model_not_found' });
  }
  throw modelNotFound(id);
}

/**
 * An explicitly named model must be able to do what the request asks: a feature it lacks (tools, images,
 * documents, a JSON schema it cannot enforce) or an output cap above its maximum is a 400 before any call.
 */
function checkExplicit(model: ModelSpec, request: CanonicalRequest): void {
  const lack = lacking(model, request);
  if (lack) {
    throw new BadRequestError(`${model.id} cannot serve this request: it has ${lack.why}.`, { param: lack.param, code: 'model_incapable' });
  }
  if (request.maxOutputTokens !== undefined && request.maxOutputTokens > model.maxOutputTokens) {
    throw new BadRequestError(`'max_tokens' is ${request.maxOutputTokens}, but ${model.id} supports at most ${model.maxOutputTokens} output tokens.`, {
      param: 'max_tokens',
      code: 'invalid_value',
    });
  }
}

export function planRoute(request: CanonicalRequest, catalog: Catalog, inputs: RoutingInputs = {}): RoutingPlan {
  const promptTokens = estimatePromptTokens(request);
  inputs = { ...inputs, maxTokens: inputs.maxTokens ?? request.maxOutputTokens };
  if (request.model.toLowerCase() !== 'auto') {
    const model = resolveModel(catalog, request.model);
    if (inputs.allowed && !inputs.allowed(model)) throw modelNotAllowed(request.model, model);
    checkExplicit(model, request);
    const reason = catalog.find(request.model) ? 'explicit: requested model' : `explicit: ${quote(request.model, 64)} is retired, its successor serves`;
    return { models: [model], mode: 'explicit', reason, promptTokens, candidates: [model.id] };
  }
  const mode = request.routing ?? 'quality';
  const reasons = new Map<string, number>();
  const capable = catalog.models.filter((m) => {
    const why = inputs.allowed && !inputs.allowed(m) ? NOT_ALLOWED : incapability(m, request, promptTokens, inputs);
    if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
    return !why;
  });
  if (capable.length === 0) {
    const summary = [...reasons].map(([why, n]) => `${n} ${why}`).join(', ');
    throw new BadRequestError(`No model can serve this request with model "auto" (${summary}).`, {
      param: 'model',
      code: 'no_capable_model',
    });
  }
  const scoreOf = score(mode, promptTokens, inputs);
  const scores = new Map(capable.map((m) => [m, scoreOf(m)] as const));
  const ranked = [...capable].sort((a, b) => {
    const [a1, a2] = scores.get(a) as [number, number];
    const [b1, b2] = scores.get(b) as [number, number];
    return a1 - b1 || a2 - b2;
  });
  // The objective picks the tier; within it, models with a usable route come first. An open breaker is a
  // failure known in advance, so it falls back like one: within the tier.
  const tier = (ranked[0] as ModelSpec).tier;
  const inTier = ranked.filter((m) => m.tier === tier);
  const tierUsable = inTier.filter((m) => inputs.available?.(m) ?? true);
  const tierDown = inTier.filter((m) => !tierUsable.includes(m));
  const winner = tierUsable[0];
  const down = tierDown.length;
  let reason = `${mode}: ${REASON[mode]} of ${capable.length} capable${!winner ? ', none available' : down ? `, ${down} unavailable` : ''}`;
  const again = mode === 'speed' ? inputs.remeasure?.(tierUsable) : undefined;
  if (again && again !== winner && tierUsable.includes(again)) {
    tierUsable.splice(tierUsable.indexOf(again), 1);
    tierUsable.unshift(again);
    reason = `speed: re-measuring ${again.id} (latency data stale)`;
  }
  return { models: [...tierUsable, ...tierDown], mode, reason, promptTokens, candidates: ranked.map((m) => m.id) };
}
