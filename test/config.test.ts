import { describe, expect, it } from 'vitest';
import { loadConfig, providerInstances } from '../lambda/config';

describe('config', () => {
  it('has documented defaults and caps the key cache at 10 s', () => {
    const c = loadConfig({ OP_KEY_CACHE_MS: '60000' });
    expect(c.keyCacheMs).toBe(10_000);
    expect(c.tables).toEqual({ keys: 'op-keys', counters: 'op-counters', usage: 'op-usage', responses: 'op-responses' });
    expect(c.responsesRetentionDays).toBe(30);
    expect(c.storeFailureMode).toBe('closed');
  });

  it('rejects malformed numbers instead of guessing', () => {
    expect(() => loadConfig({ OP_MAX_BODY_BYTES: 'lots' })).toThrow(/OP_MAX_BODY_BYTES/);
    expect(() => loadConfig({ OP_STORE_FAILURE_MODE: 'maybe' })).toThrow(/OP_STORE_FAILURE_MODE/);
  });

  it('makes a provider live only with its own OP_ credential, never the client OPENAI_API_KEY', () => {
    const sim = 'http://127.0.0.1:9';
    const instances = providerInstances({ OPENAI_API_KEY: 'sk-client', OP_ANTHROPIC_API_KEY: 'sk-ant' }, sim);
    const byName = new Map(instances.map((i) => [i.name, i]));
    expect(byName.get('anthropic')).toMatchObject({ live: true, baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant' });
    expect(byName.get('openai')).toMatchObject({ live: false, baseUrl: `${sim}/openai` });
    expect(byName.get('compat')?.live).toBe(false);
    expect(providerInstances({ OP_COMPAT_BASE_URL: 'http://localhost:11434/v1' }).map((i) => i.name)).toEqual(['compat']);
  });

  it('leaves unconfigured providers out when there is no simulator (as in AWS)', () => {
    expect(providerInstances({ OP_GOOGLE_API_KEY: 'g' }).map((i) => i.name)).toEqual(['google']);
  });
});

describe('config: provider health and telemetry', () => {
  it('has the documented breaker pattern and sharing intervals by default', () => {
    expect(loadConfig({}).health).toEqual({
      failureThreshold: 5,
      errorRate: 0.5,
      minCalls: 10,
      windowMs: 60_000,
      cooldownMs: 30_000,
      cacheMs: 3_000,
      flushMs: 3_000,
      remeasureMs: 60_000,
    });
    expect(loadConfig({}).telemetry).toEqual({ logLevel: 'INFO', metrics: true });
  });

  it('reads overrides and rejects nonsense', () => {
    const c = loadConfig({ OP_BREAKER_FAILURES: '3', OP_BREAKER_ERROR_RATE: '25', OP_BREAKER_COOLDOWN_MS: '5000', OP_LOG_LEVEL: 'silent', OP_METRICS: 'off' });
    expect(c.health).toMatchObject({ failureThreshold: 3, errorRate: 0.25, cooldownMs: 5_000 });
    expect(c.telemetry).toEqual({ logLevel: 'SILENT', metrics: false });
    expect(() => loadConfig({ OP_BREAKER_ERROR_RATE: '150' })).toThrow(/OP_BREAKER_ERROR_RATE/);
    expect(() => loadConfig({ OP_LOG_LEVEL: 'chatty' })).toThrow(/OP_LOG_LEVEL/);
    expect(() => loadConfig({ OP_METRICS: 'maybe' })).toThrow(/OP_METRICS/);
  });
});
