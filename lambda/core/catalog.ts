// The model catalog: one typed data module. Prices are the vendors' public list prices in USD per 1M
// tokens (standard tier, prompts under any long-context surcharge) as published in late 2025.
// Quality is the Artificial Analysis Intelligence Index (v3, late 2025, rounded); it orders models for
// `routing: "quality"` and is only ever compared, never shown as a guarantee.
// Latency defaults (time to first token, output tokens per second) seed `routing: "speed"` until live
// measurements exist; they are round figures from the same source.

export type Tier = 'fast' | 'versatile' | 'reasoning';

export interface Route {
  /** A provider instance name (see config: openai, anthropic, google, bedrock, deepseek, mistral, groq, compat). */
  provider: string;
  /** The provider's own id for the model. */
  upstreamModel: string;
}

export interface ModelSpec {
  id: string;
  ownedBy: string;
  contextWindow: number;
  maxOutputTokens: number;
  pricing: { inputPer1M: number; outputPer1M: number };
  /**
   * fast: cheap, low latency, simple tasks; versatile: general purpose; reasoning: hard multi-step work.
   * Fallback for `auto` never leaves a tier, so a cheap request never silently lands on an expensive model.
   */
  tier: Tier;
  capabilities: { tools: boolean; vision: boolean; jsonObject: boolean; jsonSchema: boolean };
  quality: number;
  latency: { ttftMs: number; tokensPerSecond: number };
  /** In preference order: the first healthy route serves. */
  routes: Route[];
}

const ALL = { tools: true, vision: true, jsonObject: true, jsonSchema: true } as const;

export const MODELS: readonly ModelSpec[] = [
  {
    id: 'gpt-5',
    ownedBy: 'openai',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: { inputPer1M: 1.25, outputPer1M: 10 },
    tier: 'reasoning',
    capabilities: ALL,
    quality: 68,
    latency: { ttftMs: 4000, tokensPerSecond: 90 },
    routes: [{ provider: 'openai', upstreamModel: 'gpt-5' }],
  },
  {
    id: 'gpt-5-mini',
    ownedBy: 'openai',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: { inputPer1M: 0.25, outputPer1M: 2 },
    tier: 'versatile',
    capabilities: ALL,
    quality: 61,
    latency: { ttftMs: 2500, tokensPerSecond: 120 },
    routes: [{ provider: 'openai', upstreamModel: 'gpt-5-mini' }],
  },
  {
    id: 'gpt-5-nano',
    ownedBy: 'openai',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: { inputPer1M: 0.05, outputPer1M: 0.4 },
    tier: 'fast',
    capabilities: ALL,
    quality: 51,
    latency: { ttftMs: 1500, tokensPerSecond: 150 },
    routes: [{ provider: 'openai', upstreamModel: 'gpt-5-nano' }],
  },
  {
    id: 'gpt-4.1',
    ownedBy: 'openai',
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    pricing: { inputPer1M: 2, outputPer1M: 8 },
    tier: 'versatile',
    capabilities: ALL,
    quality: 47,
    latency: { ttftMs: 500, tokensPerSecond: 100 },
    routes: [{ provider: 'openai', upstreamModel: 'gpt-4.1' }],
  },
  {
    id: 'claude-opus-4.1',
    ownedBy: 'anthropic',
    contextWindow: 200_000,
    maxOutputTokens: 32_000,
    pricing: { inputPer1M: 15, outputPer1M: 75 },
    tier: 'reasoning',
    capabilities: { tools: true, vision: true, jsonObject: true, jsonSchema: false },
    quality: 59,
    latency: { ttftMs: 1800, tokensPerSecond: 40 },
    routes: [
      { provider: 'anthropic', upstreamModel: 'claude-opus-4-1-20250805' },
      { provider: 'bedrock', upstreamModel: 'us.anthropic.claude-opus-4-1-20250805-v1:0' },
    ],
  },
  {
    id: 'claude-sonnet-4',
    ownedBy: 'anthropic',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: { inputPer1M: 3, outputPer1M: 15 },
    tier: 'versatile',
    capabilities: { tools: true, vision: true, jsonObject: true, jsonSchema: false },
    quality: 57,
    latency: { ttftMs: 1400, tokensPerSecond: 60 },
    routes: [
      { provider: 'anthropic', upstreamModel: 'claude-sonnet-4-20250514' },
      { provider: 'bedrock', upstreamModel: 'us.anthropic.claude-sonnet-4-20250514-v1:0' },
    ],
  },
  {
    id: 'claude-haiku-4.5',
    ownedBy: 'anthropic',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: { inputPer1M: 1, outputPer1M: 5 },
    tier: 'fast',
    capabilities: { tools: true, vision: true, jsonObject: true, jsonSchema: false },
    quality: 55,
    latency: { ttftMs: 600, tokensPerSecond: 110 },
    routes: [
      { provider: 'anthropic', upstreamModel: 'claude-haiku-4-5-20251001' },
      { provider: 'bedrock', upstreamModel: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' },
    ],
  },
  {
    id: 'gemini-2.5-pro',
    ownedBy: 'google',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    pricing: { inputPer1M: 1.25, outputPer1M: 10 },
    tier: 'reasoning',
    capabilities: ALL,
    quality: 60,
    latency: { ttftMs: 3000, tokensPerSecond: 140 },
    routes: [{ provider: 'google', upstreamModel: 'gemini-2.5-pro' }],
  },
  {
    id: 'gemini-2.5-flash',
    ownedBy: 'google',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    pricing: { inputPer1M: 0.3, outputPer1M: 2.5 },
    tier: 'versatile',
    capabilities: ALL,
    quality: 51,
    latency: { ttftMs: 700, tokensPerSecond: 220 },
    routes: [{ provider: 'google', upstreamModel: 'gemini-2.5-flash' }],
  },
  {
    id: 'gemini-2.5-flash-lite',
    ownedBy: 'google',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    pricing: { inputPer1M: 0.1, outputPer1M: 0.4 },
    tier: 'fast',
    capabilities: ALL,
    quality: 40,
    latency: { ttftMs: 400, tokensPerSecond: 280 },
    routes: [{ provider: 'google', upstreamModel: 'gemini-2.5-flash-lite' }],
  },
  {
    id: 'llama-3.3-70b',
    ownedBy: 'meta',
    contextWindow: 128_000,
    maxOutputTokens: 8_192,
    pricing: { inputPer1M: 0.72, outputPer1M: 0.72 },
    tier: 'fast',
    capabilities: { tools: true, vision: false, jsonObject: true, jsonSchema: false },
    quality: 28,
    latency: { ttftMs: 400, tokensPerSecond: 250 },
    routes: [
      { provider: 'groq', upstreamModel: 'llama-3.3-70b-versatile' },
      { provider: 'bedrock', upstreamModel: 'us.meta.llama3-3-70b-instruct-v1:0' },
      { provider: 'compat', upstreamModel: 'llama3.3:70b' },
    ],
  },
  {
    id: 'nova-pro',
    ownedBy: 'amazon',
    contextWindow: 300_000,
    maxOutputTokens: 10_000,
    pricing: { inputPer1M: 0.8, outputPer1M: 3.2 },
    tier: 'versatile',
    capabilities: { tools: true, vision: true, jsonObject: true, jsonSchema: false },
    quality: 29,
    latency: { ttftMs: 500, tokensPerSecond: 100 },
    routes: [{ provider: 'bedrock', upstreamModel: 'us.amazon.nova-pro-v1:0' }],
  },
  {
    id: 'nova-lite',
    ownedBy: 'amazon',
    contextWindow: 300_000,
    maxOutputTokens: 10_000,
    pricing: { inputPer1M: 0.06, outputPer1M: 0.24 },
    tier: 'fast',
    capabilities: { tools: true, vision: true, jsonObject: true, jsonSchema: false },
    quality: 25,
    latency: { ttftMs: 350, tokensPerSecond: 180 },
    routes: [{ provider: 'bedrock', upstreamModel: 'us.amazon.nova-lite-v1:0' }],
  },
  {
    id: 'deepseek-chat',
    ownedBy: 'deepseek',
    contextWindow: 128_000,
    maxOutputTokens: 8_192,
    pricing: { inputPer1M: 0.28, outputPer1M: 0.42 },
    tier: 'versatile',
    capabilities: { tools: true, vision: false, jsonObject: true, jsonSchema: false },
    quality: 52,
    latency: { ttftMs: 1200, tokensPerSecond: 30 },
    routes: [{ provider: 'deepseek', upstreamModel: 'deepseek-chat' }],
  },
  {
    id: 'deepseek-reasoner',
    ownedBy: 'deepseek',
    contextWindow: 128_000,
    maxOutputTokens: 64_000,
    pricing: { inputPer1M: 0.28, outputPer1M: 0.42 },
    tier: 'reasoning',
    capabilities: { tools: false, vision: false, jsonObject: true, jsonSchema: false },
    quality: 57,
    latency: { ttftMs: 3000, tokensPerSecond: 30 },
    routes: [
      { provider: 'deepseek', upstreamModel: 'deepseek-reasoner' },
      { provider: 'bedrock', upstreamModel: 'us.deepseek.r1-v1:0' },
    ],
  },
  {
    id: 'mistral-large',
    ownedBy: 'mistral',
    contextWindow: 128_000,
    maxOutputTokens: 8_192,
    pricing: { inputPer1M: 2, outputPer1M: 6 },
    tier: 'versatile',
    capabilities: { tools: true, vision: false, jsonObject: true, jsonSchema: true },
    quality: 27,
    latency: { ttftMs: 500, tokensPerSecond: 60 },
    routes: [
      { provider: 'mistral', upstreamModel: 'mistral-large-latest' },
      { provider: 'bedrock', upstreamModel: 'mistral.mistral-large-2407-v1:0' },
    ],
  },
];

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

export function findModel(id: string): ModelSpec | undefined {
  return BY_ID.get(id);
}

/** The catalog's cost of a call in USD, exact to the token. */
export function costUsd(model: ModelSpec, promptTokens: number, completionTokens: number): number {
  return (promptTokens * model.pricing.inputPer1M + completionTokens * model.pricing.outputPer1M) / 1_000_000;
}
