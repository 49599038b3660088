// The catalog as the core reads it: the models in order, found by id or alias, and what a call costs.
// Built from entries (entry.ts): active and deprecated models are served; a retired one is remembered only
// so that its id can answer with its successor, or say that it was retired.
import type { Usage } from '../canonical/usage';
import { uncachedInputTokens } from '../canonical/usage';
import type { CatalogEntry, ModelStatus } from './entry';
import type { ModelSpec } from './spec';

export interface Retired {
  id: string;
  successor?: ModelSpec;
}

export class Catalog {
  private readonly byId = new Map<string, ModelSpec>();
  private readonly retiredById = new Map<string, Retired>();
  private readonly statusById = new Map<string, ModelStatus>();
  /** The models that serve: active and deprecated, in catalog order. */
  readonly models: readonly ModelSpec[];

  constructor(
    models: readonly ModelSpec[],
    /** Entries beyond plain active models: statuses and retirements. */
    readonly entries: readonly CatalogEntry[] = models.map((spec) => ({ spec, status: 'active', source: 'seed', updatedAt: '' })),
  ) {
    const serving = entries.filter((e) => e.status !== 'retired').map((e) => e.spec);
    this.models = serving;
    for (const e of entries) this.statusById.set(e.spec.id, e.status);
    // Ids first, so an alias can never shadow another model's own id.
    for (const m of serving) this.byId.set(m.id.toLowerCase(), m);
    for (const m of serving) for (const a of m.aliases) if (!this.byId.has(a.toLowerCase())) this.byId.set(a.toLowerCase(), m);
    for (const e of entries) {
      if (e.status !== 'retired') continue;
      const successor = e.successor ? this.byId.get(e.successor.toLowerCase()) : undefined;
      const retired = { id: e.spec.id, ...(successor ? { successor } : {}) };
      for (const name of [e.spec.id, ...e.spec.aliases]) if (!this.byId.has(name.toLowerCase())) this.retiredById.set(name.toLowerCase(), retired);
    }
  }

  /** The catalog of these entries in this order. */
  static of(entries: readonly CatalogEntry[]): Catalog {
    return new Catalog(
      entries.filter((e) => e.status !== 'retired').map((e) => e.spec),
      entries,
    );
  }

  /** The model an id or alias names (ids are matched without regard to case); retired models are not found. */
  find(id: string): ModelSpec | undefined {
    return this.byId.get(id.toLowerCase());
  }

  /** A retired model an id or alias names, with the model that serves in its place, if any. */
  retired(id: string): Retired | undefined {
    return this.retiredById.get(id.toLowerCase());
  }

  status(id: string): ModelStatus | undefined {
    return this.statusById.get(id);
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
