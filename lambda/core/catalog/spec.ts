// What the gateway knows about a model: one typed record per catalog entry. The seed (seed.ts) is the
// default data; in a deployment the catalog is operator data, validated against these types.
import type { ProviderName } from '../../config';

export type Tier = 'fast' | 'versatile' | 'reasoning';

export const TIERS: readonly Tier[] = ['fast', 'versatile', 'reasoning'];

export interface Route {
  /** A provider instance (see config.ts PROVIDER_INSTANCES). */
  provider: ProviderName;
  /** The provider's own id for the model. */
  upstreamModel: string;
}

/** USD per 1M tokens. Cached input is what a cache read costs; cache writes what writing one costs. */
export interface Pricing {
  inputPer1M: number;
  outputPer1M: number;
  cachedInputPer1M: number;
  cacheWritePer1M: number;
}

export interface Capabilities {
  tools: boolean;
  vision: boolean;
  /** PDF documents as input. */
  documents: boolean;
  jsonObject: boolean;
  /** A JSON schema can be enforced on every route (the provider's schema mode or a forced tool call). */
  jsonSchema: boolean;
  /** Takes reasoning settings (effort, thinking budget); for OpenAI's: also takes no sampling parameters. */
  reasoning: boolean;
}

export interface ModelSpec {
  id: string;
  /** Other ids the model answers to: its vendors' dated and dashed forms. */
  aliases: readonly string[];
  ownedBy: string;
  contextWindow: number;
  maxOutputTokens: number;
  pricing: Pricing;
  /**
   * fast: cheap, low latency, simple tasks; versatile: general purpose; reasoning: hard multi-step work.
   * Fallback for `auto` never leaves a tier, so a cheap request never silently lands on an expensive model.
   */
  tier: Tier;
  capabilities: Capabilities;
  quality: number;
  latency: { ttftMs: number; tokensPerSecond: number };
  /** In preference order: the first healthy route serves. */
  routes: readonly Route[];
}
