import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, isWellFormedKey, keyHint } from '../../lambda/core/keys';

describe('API keys', () => {
  it('are op_ plus 37 base62 characters, 40 in all', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateApiKey();
      expect(key).toHaveLength(40);
      expect(key).toMatch(/^op_[A-Za-z0-9]{37}$/);
      expect(isWellFormedKey(key)).toBe(true);
    }
  });

  it('are unique and use the whole alphabet roughly uniformly (>= 190 bits of entropy by construction)', () => {
    const keys = new Set(Array.from({ length: 2000 }, generateApiKey));
    expect(keys.size).toBe(2000);
    const counts = new Map<string, number>();
    for (const k of keys) for (const ch of k.slice(3)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (2000 * 37) / 62;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.2);
    expect(37 * Math.log2(62)).toBeGreaterThan(190);
  });

  it('hash to SHA-256 hex and show only a hint', () => {
    const key = 'op_abcdEFGH0123456789abcdefghijklmnopqrs';
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(keyHint(key)).toBe('op_abcd…pqrs');
  });

  it('rejects malformed keys', () => {
    for (const bad of ['', 'op_', 'sk-abc', `op_${'a'.repeat(36)}`, `op_${'a'.repeat(38)}`, `op_${'a'.repeat(36)}!`]) {
      expect(isWellFormedKey(bad)).toBe(false);
    }
  });
});
