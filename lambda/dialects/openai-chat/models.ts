// GET /v1/models and /v1/models/{id}: OpenAI's list shape, plus what a gateway user needs to choose.
import type { ModelAccess } from '../../core/model-access';
import type { Catalog, ModelSpec } from '../../core/catalog';
import { modelNotFound, resolveModel } from '../../core/routing';

/** A fixed "created" for catalog entries: the catalog's date, so responses are stable across instances. */
const CATALOG_CREATED = Math.floor(Date.UTC(2025, 10, 1) / 1000);

export interface ModelView {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  aliases: readonly string[];
  context_window: number;
  max_output_tokens: number;
  pricing: { input_per_1m: number; output_per_1m: number; cached_input_per_1m: number; cache_write_per_1m: number; currency: 'USD' };
  tier: ModelSpec['tier'];
  capabilities: { tools: boolean; vision: boolean; documents: boolean; json_output: boolean; json_schema: boolean; reasoning: boolean; streaming: true };
  quality_score: number;
  providers: string[];
  /** active, or deprecated (still served; its successor is named when the operator set one). */
  status: 'active' | 'deprecated';
  successor?: string;
}

export function modelView(m: ModelSpec, catalog?: Catalog): ModelView {
  const entry = catalog?.entries.find((e) => e.spec.id === m.id);
  return {
    id: m.id,
    object: 'model',
    created: CATALOG_CREATED,
    owned_by: m.ownedBy,
    aliases: m.aliases,
    context_window: m.contextWindow,
    max_output_tokens: m.maxOutputTokens,
    pricing: {
      input_per_1m: m.pricing.inputPer1M,
      output_per_1m: m.pricing.outputPer1M,
      cached_input_per_1m: m.pricing.cachedInputPer1M,
      cache_write_per_1m: m.pricing.cacheWritePer1M,
      currency: 'USD',
    },
    tier: m.tier,
    capabilities: {
      tools: m.capabilities.tools,
      vision: m.capabilities.vision,
      documents: m.capabilities.documents,
      json_output: m.capabilities.jsonObject,
      json_schema: m.capabilities.jsonSchema,
      reasoning: m.capabilities.reasoning,
      streaming: true,
    },
    quality_score: m.quality,
    providers: m.routes.map((r) => r.provider),
    status: entry?.status === 'deprecated' ? 'deprecated' : 'active',
    ...(entry?.successor ? { successor: entry.successor } : {}),
  };
}

/** The models the key may use (its allowlist, core/model-access.ts), in catalog order. */
export function listModels(catalog: Catalog, access: ModelAccess): { object: 'list'; data: ModelView[] } {
  return { object: 'list', data: catalog.models.filter(access.allows).map((m) => modelView(m, catalog)) };
}

/** One model by its id or any of its aliases; one the key may not use does not exist for it. */
export function getModel(catalog: Catalog, id: string, access: ModelAccess): ModelView {
  const m = resolveModel(catalog, id);
  if (!access.allows(m)) throw modelNotFound(id);
  return modelView(m, catalog);
}
