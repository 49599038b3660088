import { describe, expect, it } from 'vitest';
import { PROVIDER_INSTANCES } from '../../lambda/config';
import { usage } from '../../lambda/core/canonical/usage';
import { Catalog, SEED_MODELS, costNanoUsd } from '../../lambda/core/catalog';

const catalog = new Catalog(SEED_MODELS);

describe('the catalog', () => {
  it('holds 16 unique models from at least 5 vendors', () => {
    expect(SEED_MODELS).toHaveLength(16);
    expect(new Set(SEED_MODELS.map((m) => m.id)).size).toBe(16);
    expect(new Set(SEED_MODELS.map((m) => m.ownedBy)).size).toBeGreaterThanOrEqual(5);
  });

  it('routes only to known provider instances, and some models have several routes', () => {
    const names = new Set<string>(PROVIDER_INSTANCES.map((p) => p.name));
    for (const m of SEED_MODELS) {
      expect(m.routes.length).toBeGreaterThan(0);
      for (const r of m.routes) expect(names.has(r.provider), `${m.id} -> ${r.provider}`).toBe(true);
    }
    expect(catalog.find('claude-sonnet-4')?.routes.map((r) => r.provider)).toEqual(['anthropic', 'bedrock']);
  });

  it('has sane limits and prices, cache reads never dearer than plain input', () => {
    for (const m of SEED_MODELS) {
      expect(m.maxOutputTokens).toBeLessThanOrEqual(m.contextWindow);
      expect(m.pricing.inputPer1M).toBeGreaterThan(0);
      expect(m.pricing.outputPer1M).toBeGreaterThan(0);
      expect(m.pricing.cachedInputPer1M).toBeLessThanOrEqual(m.pricing.inputPer1M);
      expect(m.pricing.cacheWritePer1M).toBeGreaterThanOrEqual(m.pricing.inputPer1M);
      expect(['fast', 'versatile', 'reasoning']).toContain(m.tier);
    }
  });

  it('finds a model by id or alias, ignoring case, and no alias shadows another id', () => {
    expect(catalog.find('Claude-Sonnet-4')?.id).toBe('claude-sonnet-4');
    expect(catalog.find('claude-sonnet-4-20250514')?.id).toBe('claude-sonnet-4');
    expect(catalog.find('gpt-5-mini-2025-08-07')?.id).toBe('gpt-5-mini');
    const ids = new Set(SEED_MODELS.map((m) => m.id));
    const aliases = SEED_MODELS.flatMap((m) => m.aliases);
    expect(aliases.filter((a) => ids.has(a))).toEqual([]);
    expect(new Set(aliases).size).toBe(aliases.length);
  });

  it('prices a call exactly from per-million rates, cache reads and writes at their own prices', () => {
    const m = catalog.find('claude-sonnet-4');
    if (!m) throw new Error('missing');
    expect(costNanoUsd(m, usage({ inputTokens: 1_000_000 }))).toBe(3e9);
    expect(costNanoUsd(m, usage({ inputTokens: 1000, outputTokens: 2000 }))).toBe(33_000_000);
    // 1,000 uncached at $3, 10,000 read at $0.30, 2,000 written at $3.75, 500 out at $15 (per 1M).
    const cached = usage({ inputTokens: 13_000, cacheReadTokens: 10_000, cacheWriteTokens: 2_000, outputTokens: 500 });
    expect(costNanoUsd(m, cached)).toBe(3_000_000 + 3_000_000 + 7_500_000 + 7_500_000);
    expect(costNanoUsd(undefined, cached)).toBe(0);
  });
});
