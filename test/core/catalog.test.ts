import { describe, expect, it } from 'vitest';
import { PROVIDER_INSTANCES } from '../../lambda/config';
import { MODELS, costUsd, findModel } from '../../lambda/core/catalog';

describe('the catalog', () => {
  it('holds 16 unique models from at least 5 vendors', () => {
    expect(MODELS).toHaveLength(16);
    expect(new Set(MODELS.map((m) => m.id)).size).toBe(16);
    expect(new Set(MODELS.map((m) => m.ownedBy)).size).toBeGreaterThanOrEqual(5);
  });

  it('routes only to known provider instances, and some models have several routes', () => {
    const names = new Set(PROVIDER_INSTANCES.map((p) => p.name));
    for (const m of MODELS) {
      expect(m.routes.length).toBeGreaterThan(0);
      for (const r of m.routes) expect(names.has(r.provider), `${m.id} -> ${r.provider}`).toBe(true);
    }
    expect(findModel('claude-sonnet-4')?.routes.map((r) => r.provider)).toEqual(['anthropic', 'bedrock']);
  });

  it('has sane limits and prices', () => {
    for (const m of MODELS) {
      expect(m.maxOutputTokens).toBeLessThanOrEqual(m.contextWindow);
      expect(m.pricing.inputPer1M).toBeGreaterThan(0);
      expect(m.pricing.outputPer1M).toBeGreaterThan(0);
      expect(['fast', 'versatile', 'reasoning']).toContain(m.tier);
    }
  });

  it('prices a call exactly from per-million rates', () => {
    const m = findModel('claude-sonnet-4');
    if (!m) throw new Error('missing');
    expect(costUsd(m, 1_000_000, 0)).toBe(3);
    expect(costUsd(m, 1000, 2000)).toBeCloseTo(0.003 + 0.03, 12);
  });
});
