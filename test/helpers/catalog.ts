// The seed catalog, as tests read it.
import { Catalog, SEED_MODELS, type ModelSpec } from '../../lambda/core/catalog';

export const catalog = new Catalog(SEED_MODELS);
export const MODELS = catalog.models;

export function findModel(id: string): ModelSpec | undefined {
  return catalog.find(id);
}
