// The catalog one instance serves from: loaded at start, then refreshed in the background once it is older
// than `refreshMs`, so a change an operator makes reaches every instance within about `refreshMs` plus one
// load, and no request waits on a read. Until the store has been seeded (or while it cannot be read at
// start) the seed stands.
import { detached } from '../background';
import type { Clock } from '../clock';
import { Catalog } from './catalog';
import type { CatalogStore } from './entry';
import { SEED_MODELS } from './seed';
import type { ModelSpec } from './spec';

export class CatalogSource {
  /** Over the seed, logging a failed load (without detail beyond the error's own message). */
  static for(store: CatalogStore, clock: Clock, refreshMs: number): CatalogSource {
    return new CatalogSource(store, clock, refreshMs, SEED_MODELS, (err) =>
      console.error(JSON.stringify({ level: 'error', message: 'catalog load failed; serving the catalog as last loaded', error: err instanceof Error ? err.message : String(err) })),
    );
  }

  private catalog: Catalog;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading?: Promise<void>;
  private readonly listeners: Array<(catalog: Catalog) => void> = [];

  constructor(
    private readonly store: CatalogStore,
    private readonly clock: Clock,
    private readonly refreshMs: number,
    seed: readonly ModelSpec[],
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    this.catalog = new Catalog(seed);
  }

  /** The catalog as last loaded; starts a background refresh when it is stale (never waits for one). */
  get current(): Catalog {
    if (this.clock.now() - this.loadedAt >= this.refreshMs) void detached(() => this.refresh());
    return this.catalog;
  }

  /** Told of every catalog loaded (health tracking of new routes). */
  onChange(listener: (catalog: Catalog) => void): void {
    this.listeners.push(listener);
  }

  /** Loads now (one load at a time); a failure keeps the catalog it had and is retried after `refreshMs`. */
  refresh(): Promise<void> {
    this.loading ??= (async () => {
      const started = this.clock.now();
      try {
        const entries = await this.store.load();
        if (entries) {
          this.catalog = Catalog.of(entries);
          for (const listener of this.listeners) listener(this.catalog);
        }
      } catch (err) {
        this.onError(err);
      } finally {
        this.loadedAt = started;
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
