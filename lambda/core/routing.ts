// Model selection. Pure: no I/O, so a decision costs microseconds.
// For an explicit model the plan is that model alone. For `model: "auto"` the candidates are the catalog
// models capable of the request, ranked by the objective; the winner's tier bounds the fallback list, so a
// request never falls back onto a model of another class (and price) than the one the objective chose.
import { BadRequestError, NotFoundError } from '../openai/errors';
import type { ChatRequest, RoutingMode } from '../openai/types';
import { MODELS, findModel, type ModelSpec } from './catalog';
import { estimatePromptTokens, hasImages } from './tokens';

export interface RoutingPlan {
  /** Models to try, best first. Routes within each model are tried before the next model. */
  models: ModelSpec[];
  mode: RoutingMode | 'explicit';
  /** A few words on why the first model won, for the x-op-routing-reason header. */
  reason: string;
  promptTokens: number;
}

export interface RoutingInputs {
  /** The output cap the request will be given, before model limits. */
  maxTokens?: number;
  /** Live latency per model where measured; catalog defaults otherwise. */
  latency?: (model: ModelSpec) => { ttftMs: number; tokensPerSecond: number };
  /** True when at least one route of the model can be called (provider configured, breaker not open). */
  available?: (model: ModelSpec) => boolean;
  /** The largest output cap the caller's plan allows per request. */
  planMaxTokens?: number;
}

/** When the caller sets no cap, cost and speed assume an answer of this many tokens. */
export const EXPECTED_OUTPUT_TOKENS = 500;

export function expectedOutputTokens(model: ModelSpec, maxTokens?: number): number {
  return Math.min(maxTokens ?? EXPECTED_OUTPUT_TOKENS, model.maxOutputTokens);
}

export function expectedCost(model: ModelSpec, promptTokens: number, maxTokens?: number): number {
  return promptTokens * model.pricing.inputPer1M + expectedOutputTokens(model, maxTokens) * model.pricing.outputPer1M;
}

export function expectedLatencyMs(model: ModelSpec, maxTokens: number | undefined, latency: RoutingInputs['latency']): number {
  const l = latency?.(model) ?? model.latency;
  return l.ttftMs + (1000 * expectedOutputTokens(model, maxTokens)) / Math.max(l.tokensPerSecond, 1);
}

/** Why a model cannot serve this request, or undefined when it can. */
export function incapability(model: ModelSpec, request: ChatRequest, promptTokens: number, inputs: RoutingInputs): string | undefined {
  const output = Math.min(inputs.maxTokens ?? 1, model.maxOutputTokens);
  if (promptTokens + output > model.contextWindow) return 'context window too small';
  if (inputs.maxTokens !== undefined && inputs.maxTokens > model.maxOutputTokens) return 'max output tokens too small';
  if (request.tools?.length && !model.capabilities.tools) return 'no tool support';
  if (hasImages(request) && !model.capabilities.vision) return 'no image input';
  const format = request.response_format?.type;
  if (format === 'json_schema' && !model.capabilities.jsonSchema) return 'no JSON schema output';
  if (format === 'json_object' && !model.capabilities.jsonObject) return 'no JSON output';
  if (inputs.available && !inputs.available(model)) return 'no available provider route';
  return undefined;
}

function rank(mode: RoutingMode, promptTokens: number, inputs: RoutingInputs): (a: ModelSpec, b: ModelSpec) => number {
  const cost = (m: ModelSpec) => expectedCost(m, promptTokens, inputs.maxTokens);
  if (mode === 'cost') return (a, b) => cost(a) - cost(b) || b.quality - a.quality;
  if (mode === 'speed') {
    const ms = (m: ModelSpec) => expectedLatencyMs(m, inputs.maxTokens, inputs.latency);
    return (a, b) => ms(a) - ms(b) || cost(a) - cost(b);
  }
  return (a, b) => b.quality - a.quality || cost(a) - cost(b);
}

const REASON: Record<RoutingMode, string> = { cost: 'cheapest', speed: 'fastest', quality: 'best quality' };

export function planRoute(request: ChatRequest, inputs: RoutingInputs = {}): RoutingPlan {
  const promptTokens = estimatePromptTokens(request);
  if (request.model !== 'auto') {
    const model = findModel(request.model);
    if (!model) {
      throw new NotFoundError(`The model '${request.model}' does not exist or you do not have access to it.`, {
        param: 'model',
        code: 'model_not_found',
      });
    }
    return { models: [model], mode: 'explicit', reason: 'explicit: requested model', promptTokens };
  }
  const mode = request.routing ?? 'quality';
  const reasons = new Map<string, number>();
  const capable = MODELS.filter((m) => {
    const why = incapability(m, request, promptTokens, inputs);
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
  const ranked = [...capable].sort(rank(mode, promptTokens, inputs));
  const winner = ranked[0] as ModelSpec;
  return {
    models: ranked.filter((m) => m.tier === winner.tier),
    mode,
    reason: `${mode}: ${REASON[mode]} of ${capable.length} capable`,
    promptTokens,
  };
}
