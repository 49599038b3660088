// The catalog as operator data: each model is an entry with its spec, a status and where it came from.
// The seed (seed.ts) is the default data, written once; after that the operator's entries are the catalog.
import type { ModelSpec } from './spec';

export type ModelStatus = 'active' | 'deprecated' | 'retired';
export const MODEL_STATUSES: readonly ModelStatus[] = ['active', 'deprecated', 'retired'];

export interface CatalogEntry {
  spec: ModelSpec;
  /** active: served and listed; deprecated: still served, listed as such; retired: its id answers with the successor, or 404. */
  status: ModelStatus;
  /** For deprecated and retired models: the model that replaces it. */
  successor?: string;
  /** 'seed' until an operator changes it. */
  source: 'seed' | 'operator';
  /** ISO 8601. */
  updatedAt: string;
}

export interface CatalogStore {
  /** Every entry, or undefined when the catalog was never seeded (the seed then stands). */
  load(): Promise<CatalogEntry[] | undefined>;
  /** Writes the seed's entries that are not there yet, then marks the catalog seeded; never overwrites one. */
  seed(entries: readonly CatalogEntry[]): Promise<void>;
  /** `create`: only if no model has the id; `replace`: only if one has. False when that did not hold. */
  put(entry: CatalogEntry, mode: 'create' | 'replace'): Promise<boolean>;
  /** False when there was no such model. */
  delete(id: string): Promise<boolean>;
}

export const seedEntries = (models: readonly ModelSpec[], at: string): CatalogEntry[] =>
  models.map((spec) => ({ spec, status: 'active', source: 'seed', updatedAt: at }));
