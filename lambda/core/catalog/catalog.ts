// The catalog as the core reads it: the models in order, found by id or alias, and what a call costs.
import type { Usage } from '../canonical/usage';
import { uncachedInputTokens } from '../canonical/usage';
import type { ModelSpec } from './spec';

export class Catalog {
  private readonly byId = new Map<string, ModelSpec>();

  constructor(readonly models: readonly ModelSpec[]) {
    // Ids first, so an alias can never shadow another model's own id.
    for (const m of models) this.byId.set(m.id.toLowerCase(), m);
    for (const m of models) for (const a of m.aliases) if (!this.byId.has(a.toLowerCase())) this.byId.set(a.toLowerCase(), m);
  }

  /** The model an id or alias names (ids are matched without regard to case). */
  find(id: string): ModelSpec | undefined {
    return this.byId.get(id.toLowerCase());
  }
}

/** The cost of a call in nano-USD (integers, so sums over records stay exact), cached tokens at cached prices. */
export function costNanoUsd(model: ModelSpec | undefined, u: Usage): number {
  if (!model) return 0;
  const p = model.pricing;
  // USD per 1M tokens is nano-USD per 1,000 tokens.
  const nano =
    (uncachedInputTokens(u) * p.inputPer1M + u.cacheReadTokens * p.cachedInputPer1M + u.cacheWriteTokens * p.cacheWritePer1M + u.outputTokens * p.outputPer1M) * 1_000;
  return Math.round(nano);
}
