export { Catalog, costNanoUsd } from './catalog';
export { SEED_MODELS } from './seed';
export { TIERS, type Capabilities, type ModelSpec, type Pricing, type Route, type Tier } from './spec';
