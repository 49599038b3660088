export { Catalog, costNanoUsd, type Retired } from './catalog';
export { MODEL_STATUSES, seedEntries, type CatalogEntry, type CatalogStore, type ModelStatus } from './entry';
export { SEED_MODELS } from './seed';
export { TIERS, type Capabilities, type ModelSpec, type Pricing, type Route, type Tier } from './spec';
