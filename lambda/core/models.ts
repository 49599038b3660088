// GET /v1/models and /v1/models/{id}: OpenAI's list shape, plus what a gateway user needs to choose.
import { NotFoundError } from '../openai/errors';
import { MODELS, findModel, type ModelSpec } from './catalog';

/** A fixed "created" for catalog entries: the catalog's date, so responses are stable across instances. */
const CATALOG_CREATED = Math.floor(Date.UTC(2025, 10, 1) / 1000);

export interface ModelView {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  context_window: number;
  max_output_tokens: number;
  pricing: { input_per_1m: number; output_per_1m: number; currency: 'USD' };
  tier: ModelSpec['tier'];
  capabilities: { tools: boolean; vision: boolean; json_output: boolean; json_schema: boolean; streaming: true };
  quality_score: number;
  providers: string[];
}

export function modelView(m: ModelSpec): ModelView {
  return {
    id: m.id,
    object: 'model',
    created: CATALOG_CREATED,
    owned_by: m.ownedBy,
    context_window: m.contextWindow,
    max_output_tokens: m.maxOutputTokens,
    pricing: { input_per_1m: m.pricing.inputPer1M, output_per_1m: m.pricing.outputPer1M, currency: 'USD' },
    tier: m.tier,
    capabilities: {
      tools: m.capabilities.tools,
      vision: m.capabilities.vision,
      json_output: m.capabilities.jsonObject,
      json_schema: m.capabilities.jsonSchema,
      streaming: true,
    },
    quality_score: m.quality,
    providers: m.routes.map((r) => r.provider),
  };
}

export function listModels(): { object: 'list'; data: ModelView[] } {
  return { object: 'list', data: MODELS.map(modelView) };
}

export function getModel(id: string): ModelView {
  const m = findModel(id);
  if (!m) {
    throw new NotFoundError(`The model '${id}' does not exist or you do not have access to it.`, {
      param: 'model',
      code: 'model_not_found',
    });
  }
  return modelView(m);
}
