import { describe, expect, it } from 'vitest';
import { Catalog, SEED_MODELS } from '../../../lambda/core/catalog';
import { BadRequestError } from '../../../lambda/wire/errors';
import {
  parseAccountInput,
  parseAccountPatch,
  parseEmptyBody,
  parseKeyInput,
  parseKeyPatch,
  parseListQuery,
  parseRotateInput,
} from '../../../lambda/core/admin/validation';

const CATALOG = new Catalog(SEED_MODELS);
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const NOW_S = NOW / 1000;

/** The 400 a parser throws, as the caller would see it. */
function rejection(fn: () => unknown): { param: string | null; code: string | null; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    const e = err as BadRequestError;
    return { param: e.param, code: e.code, message: e.message };
  }
  throw new Error('expected a 400');
}

const j = (v: unknown) => JSON.stringify(v);

describe('bodies', () => {
  it('refuses what is not a JSON object', () => {
    expect(rejection(() => parseAccountInput('{"name": ', CATALOG))).toMatchObject({ param: null, code: 'invalid_json' });
    expect(rejection(() => parseAccountInput('[1]', CATALOG))).toMatchObject({ param: null, code: 'invalid_json' });
    expect(rejection(() => parseAccountInput('"x"', CATALOG))).toMatchObject({ param: null, code: 'invalid_json' });
  });

  it('refuses unknown fields by name instead of ignoring a typo', () => {
    expect(rejection(() => parseKeyInput(j({ lable: 'ci' }), NOW, CATALOG))).toMatchObject({ param: 'lable', code: 'unknown_parameter' });
    expect(rejection(() => parseEmptyBody(j({ force: true })))).toMatchObject({ param: 'force' });
  });
});

describe('accounts', () => {
  it('reads name, plan (free by default) and enterprise custom limits', () => {
    expect(parseAccountInput(j({ name: '  Acme  ' }), CATALOG)).toEqual({ name: 'Acme', plan: 'free' });
    expect(
      parseAccountInput(j({ name: 'Big', plan: 'enterprise', custom_limits: { requests_per_minute: 50_000, tokens_per_month: null } }), CATALOG),
    ).toEqual({ name: 'Big', plan: 'enterprise', customLimits: { requestsPerMinute: 50_000, tokensPerMonth: null } });
  });

  it.each([
    [{}, 'name', 'missing_parameter'],
    [{ name: 7 }, 'name', 'invalid_type'],
    [{ name: '   ' }, 'name', 'invalid_value'],
    [{ name: 'x'.repeat(201) }, 'name', 'invalid_value'],
    [{ name: 'a\u0007b' }, 'name', 'invalid_value'],
    [{ name: 'A', plan: 'gold' }, 'plan', 'invalid_value'],
    [{ name: 'A', plan: 1 }, 'plan', 'invalid_type'],
    [{ name: 'A', plan: 'enterprise', custom_limits: 5 }, 'custom_limits', 'invalid_type'],
    [{ name: 'A', plan: 'enterprise', custom_limits: { rpm: 1 } }, 'custom_limits.rpm', 'unknown_parameter'],
    [{ name: 'A', plan: 'enterprise', custom_limits: { requests_per_minute: 0 } }, 'custom_limits.requests_per_minute', 'invalid_value'],
    [{ name: 'A', plan: 'enterprise', custom_limits: { tokens_per_minute: 1.5 } }, 'custom_limits.tokens_per_minute', 'invalid_type'],
    [{ name: 'A', plan: 'enterprise', custom_limits: { tokens_per_minute: '10' } }, 'custom_limits.tokens_per_minute', 'invalid_type'],
    [{ name: 'A', plan: 'pro', custom_limits: { requests_per_minute: 5 } }, 'custom_limits', 'invalid_value'],
  ])('create %j -> 400 naming %s', (body, param, code) => {
    expect(rejection(() => parseAccountInput(j(body), CATALOG))).toMatchObject({ param, code });
  });

  it('patches any subset, null custom limits meaning "back to the plan defaults"', () => {
    expect(parseAccountPatch(j({ plan: 'pro' }), CATALOG)).toEqual({ plan: 'pro' });
    expect(parseAccountPatch(j({ custom_limits: null }), CATALOG)).toEqual({ customLimits: null });
    expect(rejection(() => parseAccountPatch(j({}), CATALOG))).toMatchObject({ param: null, code: 'missing_parameter' });
    expect(rejection(() => parseAccountPatch(j({ name: '' }), CATALOG))).toMatchObject({ param: 'name' });
  });
});

describe('keys', () => {
  it('reads label, expiry (Unix seconds) and a de-duplicated allowlist', () => {
    expect(parseKeyInput(undefined, NOW, CATALOG)).toEqual({ label: '' });
    expect(parseKeyInput(j({ label: 'ci', expires_at: NOW_S + 3600, ip_allowlist: ['10.0.0.0/8', ' ::1 ', '10.0.0.0/8'] }), NOW, CATALOG)).toEqual({
      label: 'ci',
      expiresAt: '2026-01-15T13:00:00.000Z',
      ipAllowlist: ['10.0.0.0/8', '::1'],
    });
    expect(parseKeyInput(j({ ip_allowlist: [] }), NOW, CATALOG)).toEqual({ label: '' });
  });

  it.each([
    [{ label: 3 }, 'label', 'invalid_type'],
    [{ label: 'x'.repeat(101) }, 'label', 'invalid_value'],
    [{ expires_at: 'tomorrow' }, 'expires_at', 'invalid_type'],
    [{ expires_at: NOW_S }, 'expires_at', 'invalid_value'],
    [{ expires_at: NOW_S - 60 }, 'expires_at', 'invalid_value'],
    [{ expires_at: NOW + 3_600_000 }, 'expires_at', 'invalid_value'],
    [{ ip_allowlist: '10.0.0.0/8' }, 'ip_allowlist', 'invalid_type'],
    [{ ip_allowlist: ['10.0.0.0/8', 42] }, 'ip_allowlist[1]', 'invalid_type'],
    [{ ip_allowlist: ['10.0.0.0/8', '10.0.0.0/33'] }, 'ip_allowlist[1]', 'invalid_cidr'],
    [{ ip_allowlist: ['2001:db8::/129'] }, 'ip_allowlist[0]', 'invalid_cidr'],
    [{ ip_allowlist: ['example.com'] }, 'ip_allowlist[0]', 'invalid_cidr'],
    [{ ip_allowlist: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`) }, 'ip_allowlist', 'invalid_value'],
  ])('create %j -> 400 naming %s', (body, param, code) => {
    expect(rejection(() => parseKeyInput(j(body), NOW, CATALOG))).toMatchObject({ param, code });
  });

  it('patches with null clearing the expiry or the allowlist', () => {
    expect(parseKeyPatch(j({ expires_at: null, ip_allowlist: null }), NOW, CATALOG)).toEqual({ expiresAt: null, ipAllowlist: null });
    expect(parseKeyPatch(j({ ip_allowlist: [] }), NOW, CATALOG)).toEqual({ ipAllowlist: null });
    expect(rejection(() => parseKeyPatch('{}', NOW, CATALOG))).toMatchObject({ code: 'missing_parameter' });
    expect(rejection(() => parseKeyPatch(j({ ip_allowlist: ['1.2.3'] }), NOW, CATALOG))).toMatchObject({ param: 'ip_allowlist[0]' });
  });

  it('rotates with a grace period of 0 to 24 hours, none by default', () => {
    expect(parseRotateInput(undefined, NOW)).toEqual({ graceSeconds: 0 });
    expect(parseRotateInput(j({ grace_period_seconds: 86_400 }), NOW)).toEqual({ graceSeconds: 86_400 });
    expect(rejection(() => parseRotateInput(j({ grace_period_seconds: 86_401 }), NOW))).toMatchObject({ param: 'grace_period_seconds', code: 'invalid_value' });
    expect(rejection(() => parseRotateInput(j({ grace_period_seconds: -1 }), NOW))).toMatchObject({ param: 'grace_period_seconds' });
    expect(rejection(() => parseRotateInput(j({ grace_period_seconds: '60' }), NOW))).toMatchObject({ param: 'grace_period_seconds', code: 'invalid_type' });
  });
});

describe('list query', () => {
  it('reads limit (1..100, default 100) and an opaque cursor', () => {
    expect(parseListQuery({})).toEqual({ limit: 100 });
    expect(parseListQuery({ limit: '5', after: 'eyJhIjoxfQ' })).toEqual({ limit: 5, after: 'eyJhIjoxfQ' });
    expect(rejection(() => parseListQuery({ limit: '0' }))).toMatchObject({ param: 'limit' });
    expect(rejection(() => parseListQuery({ limit: 'ten' }))).toMatchObject({ param: 'limit', code: 'invalid_type' });
    expect(rejection(() => parseListQuery({ after: 'not a cursor!' }))).toMatchObject({ param: 'after' });
    expect(rejection(() => parseListQuery({ page: '2' }))).toMatchObject({ param: 'page', code: 'unknown_parameter' });
  });
});

describe('allowed_models', () => {
  it('stores catalog ids, an alias as the id it names, and patterns; null is every model', () => {
    expect(parseKeyInput(j({ allowed_models: ['Claude-Sonnet-4-20250514', 'gpt-5*', 'gpt-5-mini'] }), NOW, CATALOG).allowedModels).toEqual(['claude-sonnet-4', 'gpt-5*', 'gpt-5-mini']);
    expect(parseKeyInput(j({ allowed_models: null }), NOW, CATALOG)).not.toHaveProperty('allowedModels');
    expect(parseKeyPatch(j({ allowed_models: null }), NOW, CATALOG)).toEqual({ allowedModels: null });
    expect(parseAccountPatch(j({ allowed_models: ['claude-*'] }), CATALOG)).toEqual({ allowedModels: ['claude-*'] });
  });

  it('refuses what would not say what was meant, naming the entry', () => {
    expect(rejection(() => parseKeyInput(j({ allowed_models: 'gpt-5' }), NOW, CATALOG))).toMatchObject({ param: 'allowed_models', code: 'invalid_type' });
    expect(rejection(() => parseKeyInput(j({ allowed_models: [] }), NOW, CATALOG))).toMatchObject({ param: 'allowed_models', message: expect.stringContaining('null') });
    expect(rejection(() => parseKeyInput(j({ allowed_models: ['gpt-5', 'gpt-6'] }), NOW, CATALOG))).toMatchObject({ param: 'allowed_models[1]', code: 'model_not_found' });
    expect(rejection(() => parseKeyInput(j({ allowed_models: ['claud-*'] }), NOW, CATALOG))).toMatchObject({ param: 'allowed_models[0]', message: expect.stringContaining('matches no model') });
    expect(rejection(() => parseAccountInput(j({ name: 'a', allowed_models: ['*'.repeat(3)] }), CATALOG))).toMatchObject({ param: 'allowed_models[0]' });
    expect(rejection(() => parseAccountInput(j({ name: 'a', allowed_models: ['gpt 5'] }), CATALOG))).toMatchObject({ param: 'allowed_models[0]' });
    expect(rejection(() => parseAccountInput(j({ name: 'a', allowed_models: [5] }), CATALOG))).toMatchObject({ param: 'allowed_models[0]', code: 'invalid_type' });
  });
});

describe('budget', () => {
  it('is read on account and key patches, null removing it', () => {
    expect(parseAccountPatch(j({ budget: { limit_usd: 25, period: 'week' } }), CATALOG)).toEqual({ budget: { limitUsd: 25, period: 'week' } });
    expect(parseAccountPatch(j({ budget: null }), CATALOG)).toEqual({ budget: null });
    expect(parseKeyPatch(j({ budget: { limit_usd: 2.5, period: 'total' } }), NOW, CATALOG)).toEqual({ budget: { limitUsd: 2.5, period: 'total' } });
    expect(rejection(() => parseAccountPatch(j({ budget: { limit_usd: 0, period: 'day' } }), CATALOG))).toMatchObject({ param: 'budget.limit_usd' });
  });
});
