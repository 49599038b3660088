// Bad input on every admin route: a 400 (413 for an oversized body) that names the field, and nothing
// written: the whole keys table (accounts, keys, pointers, audit log) is compared before and after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambda/core/clock';
import { adminClient, keysTableSnapshot, type AccountOut, type Body, type ErrorOut, type KeyOut } from '../helpers/admin';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const clock = new ManualClock();
const NOW = Math.floor(clock.now() / 1000);
let t: TestGateway;
let admin: ReturnType<typeof adminClient>;
let account: AccountOut;
let key: KeyOut;

beforeAll(async () => {
  t = await startTestGateway({ clock });
  admin = adminClient(t.gw);
  account = await admin.createAccount('Acme', 'pro');
  key = await admin.createKey(account.id, { label: 'ci' });
});
afterAll(async () => {
  await t?.close();
});

const big = { raw: JSON.stringify({ name: 'x'.repeat(70 * 1024) }) };
const ACCOUNT = '{account}';
const KEY = '{key}';

/** [route, body, status, param, code]; `{account}` and `{key}` stand for the ids made in beforeAll. */
const CASES: Array<[string, Body, number, string | null, string]> = [
  // POST /admin/accounts
  ['POST /admin/accounts', {}, 400, 'name', 'missing_parameter'],
  ['POST /admin/accounts', { name: 42 }, 400, 'name', 'invalid_type'],
  ['POST /admin/accounts', { name: 'x'.repeat(201) }, 400, 'name', 'invalid_value'],
  ['POST /admin/accounts', { name: 'A', plan: 'platinum' }, 400, 'plan', 'invalid_value'],
  ['POST /admin/accounts', { name: 'A', plan: ['pro'] }, 400, 'plan', 'invalid_type'],
  ['POST /admin/accounts', { name: 'A', plan: 'pro', custom_limits: { requests_per_minute: 10 } }, 400, 'custom_limits', 'invalid_value'],
  ['POST /admin/accounts', { name: 'A', plan: 'enterprise', custom_limits: { requests_per_minute: -1 } }, 400, 'custom_limits.requests_per_minute', 'invalid_value'],
  ['POST /admin/accounts', { name: 'A', plan: 'enterprise', custom_limits: [] }, 400, 'custom_limits', 'invalid_type'],
  ['POST /admin/accounts', { name: 'A', owner: 'me' }, 400, 'owner', 'unknown_parameter'],
  ['POST /admin/accounts', { raw: '{"name": "A",' }, 400, null, 'invalid_json'],
  ['POST /admin/accounts', { raw: '["A"]' }, 400, null, 'invalid_json'],
  ['POST /admin/accounts', big, 413, null, 'request_too_large'],
  // GET /admin/accounts
  ['GET /admin/accounts?limit=0', undefined, 400, 'limit', 'invalid_value'],
  ['GET /admin/accounts?limit=101', undefined, 400, 'limit', 'invalid_value'],
  ['GET /admin/accounts?limit=ten', undefined, 400, 'limit', 'invalid_type'],
  ['GET /admin/accounts?after=bm90LWEtY3Vyc29y', undefined, 400, 'after', 'invalid_value'],
  ['GET /admin/accounts?page=2', undefined, 400, 'page', 'unknown_parameter'],
  // PATCH /admin/accounts/{id}
  [`PATCH /admin/accounts/${ACCOUNT}`, {}, 400, null, 'missing_parameter'],
  [`PATCH /admin/accounts/${ACCOUNT}`, { name: null }, 400, 'name', 'invalid_type'],
  [`PATCH /admin/accounts/${ACCOUNT}`, { name: '' }, 400, 'name', 'invalid_value'],
  [`PATCH /admin/accounts/${ACCOUNT}`, { plan: 'free', name: 7 }, 400, 'name', 'invalid_type'],
  [`PATCH /admin/accounts/${ACCOUNT}`, { plan: 'gold' }, 400, 'plan', 'invalid_value'],
  [`PATCH /admin/accounts/${ACCOUNT}`, { custom_limits: { tokens_per_minute: 5 } }, 400, 'custom_limits', 'invalid_value'],
  [`PATCH /admin/accounts/${ACCOUNT}`, { plan: 'enterprise', custom_limits: { tokens_per_minute: 0.5 } }, 400, 'custom_limits.tokens_per_minute', 'invalid_type'],
  [`PATCH /admin/accounts/${ACCOUNT}`, { plan: 'enterprise', custom_limits: { burst: 5 } }, 400, 'custom_limits.burst', 'unknown_parameter'],
  [`PATCH /admin/accounts/${ACCOUNT}`, big, 413, null, 'request_too_large'],
  // DELETE /admin/accounts/{id}
  [`DELETE /admin/accounts/${ACCOUNT}`, { force: true }, 400, 'force', 'unknown_parameter'],
  [`DELETE /admin/accounts/${ACCOUNT}`, big, 413, null, 'request_too_large'],
  // POST /admin/accounts/{id}/keys
  [`POST /admin/accounts/${ACCOUNT}/keys`, { label: 5 }, 400, 'label', 'invalid_type'],
  [`POST /admin/accounts/${ACCOUNT}/keys`, { label: 'l'.repeat(101) }, 400, 'label', 'invalid_value'],
  [`POST /admin/accounts/${ACCOUNT}/keys`, { expires_at: '2027-01-01' }, 400, 'expires_at', 'invalid_type'],
  [`POST /admin/accounts/${ACCOUNT}/keys`, { expires_at: NOW - 1 }, 400, 'expires_at', 'invalid_value'],
  [`POST /admin/accounts/${ACCOUNT}/keys`, { expires_at: (NOW + 60) * 1000 }, 400, 'expires_at', 'invalid_value'],
  [`POST /admin/accounts/${ACCOUNT}/keys`, { ip_allowlist: '10.0.0.0/8' }, 400, 'ip_allowlist', 'invalid_type'],
  [`POST /admin/accounts/${ACCOUNT}/keys`, { ip_allowlist: ['10.0.0.0/8', '10.0.0.0/33'] }, 400, 'ip_allowlist[1]', 'invalid_cidr'],
  [`POST /admin/accounts/${ACCOUNT}/keys`, { ip_allowlist: ['2001:db8::/129'] }, 400, 'ip_allowlist[0]', 'invalid_cidr'],
  [`POST /admin/accounts/${ACCOUNT}/keys`, { ip_allowlist: ['::1', 'office'] }, 400, 'ip_allowlist[1]', 'invalid_cidr'],
  [`POST /admin/accounts/${ACCOUNT}/keys`, { ip_allowlist: [null] }, 400, 'ip_allowlist[0]', 'invalid_type'],
  [`POST /admin/accounts/${ACCOUNT}/keys`, { ip_allowlist: Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`) }, 400, 'ip_allowlist', 'invalid_value'],
  [`POST /admin/accounts/${ACCOUNT}/keys`, { scopes: ['chat'] }, 400, 'scopes', 'unknown_parameter'],
  [`POST /admin/accounts/${ACCOUNT}/keys`, big, 413, null, 'request_too_large'],
  // PATCH /admin/keys/{id}
  [`PATCH /admin/keys/${KEY}`, {}, 400, null, 'missing_parameter'],
  [`PATCH /admin/keys/${KEY}`, { label: false }, 400, 'label', 'invalid_type'],
  [`PATCH /admin/keys/${KEY}`, { expires_at: NOW }, 400, 'expires_at', 'invalid_value'],
  [`PATCH /admin/keys/${KEY}`, { label: 'ok', ip_allowlist: ['192.168.1.256'] }, 400, 'ip_allowlist[0]', 'invalid_cidr'],
  [`PATCH /admin/keys/${KEY}`, { ip_allowlist: { cidr: '10.0.0.0/8' } }, 400, 'ip_allowlist', 'invalid_type'],
  [`PATCH /admin/keys/${KEY}`, big, 413, null, 'request_too_large'],
  // DELETE /admin/keys/{id}
  [`DELETE /admin/keys/${KEY}`, { reason: 'leaked' }, 400, 'reason', 'unknown_parameter'],
  // POST /admin/keys/{id}/rotate
  [`POST /admin/keys/${KEY}/rotate`, { grace_period_seconds: -1 }, 400, 'grace_period_seconds', 'invalid_value'],
  [`POST /admin/keys/${KEY}/rotate`, { grace_period_seconds: 86_401 }, 400, 'grace_period_seconds', 'invalid_value'],
  [`POST /admin/keys/${KEY}/rotate`, { grace_period_seconds: '1h' }, 400, 'grace_period_seconds', 'invalid_type'],
  [`POST /admin/keys/${KEY}/rotate`, { grace_period_seconds: 60, expires_at: NOW - 5 }, 400, 'expires_at', 'invalid_value'],
  [`POST /admin/keys/${KEY}/rotate`, { grace: 60 }, 400, 'grace', 'unknown_parameter'],
  [`POST /admin/keys/${KEY}/rotate`, big, 413, null, 'request_too_large'],
];

describe('every admin route refuses bad input, names the field and writes nothing', () => {
  it.each(CASES)('%s %j -> %i %s', async (route, body, status, param, code) => {
    const [method, rawPath] = route.split(' ') as [string, string];
    const path = rawPath.replace(ACCOUNT, account.id).replace(KEY, key.id);
    const before = await keysTableSnapshot(t.gw);
    const reply = await admin.call<ErrorOut>(method, path, body);
    expect(reply.status).toBe(status);
    expect(reply.json.error).toMatchObject({ type: 'invalid_request_error', param, code });
    expect(reply.json.error.message.length).toBeGreaterThan(10);
    expect(await keysTableSnapshot(t.gw)).toEqual(before);
  });

  it('the ids in beforeAll are untouched and the key still works', async () => {
    expect(await admin.ok<AccountOut>('GET', `/admin/accounts/${account.id}`)).toMatchObject({ name: 'Acme', plan: 'pro', active_keys: 1 });
    expect(await admin.ok<KeyOut>('GET', `/admin/keys/${key.id}`)).toMatchObject({ label: 'ci', status: 'active', ip_allowlist: [] });
  });
});

describe('routing', () => {
  it('404s unknown ids (malformed or not) and unknown routes, 405s a wrong method, all in the OpenAI error shape', async () => {
    const before = await keysTableSnapshot(t.gw);
    const cases: Array<[string, string, Body, number, string | null]> = [
      ['GET', '/admin/accounts/acct_0000000000000000', undefined, 404, 'account_not_found'],
      ['PATCH', '/admin/accounts/not-an-id', { name: 'x' }, 404, 'account_not_found'],
      ['POST', '/admin/accounts/acct_0000000000000000/keys', {}, 404, 'account_not_found'],
      ['PATCH', '/admin/keys/key_0000000000000000', { label: 'x' }, 404, 'key_not_found'],
      ['DELETE', '/admin/keys/..%2F..%2Fetc', undefined, 404, 'key_not_found'],
      ['POST', '/admin/keys/key_0000000000000000/rotate', {}, 404, 'key_not_found'],
      ['GET', '/admin/usage', undefined, 404, 'unknown_url'],
      ['PUT', '/admin/accounts', { name: 'x' }, 405, null],
    ];
    for (const [method, path, body, status, code] of cases) {
      const reply = await admin.call<ErrorOut>(method, path, body);
      expect([method, path, reply.status, reply.json.error.code]).toEqual([method, path, status, code]);
    }
    expect(await keysTableSnapshot(t.gw)).toEqual(before);
  });

  it('answers with no-store caching, since responses can carry a new secret', async () => {
    const reply = await admin.call('GET', `/admin/accounts/${account.id}`);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.headers.get('content-type')).toBe('application/json');
  });

  it('requires the admin token locally', async () => {
    const res = await fetch(`${t.gw.url}/admin/accounts`, { headers: { authorization: `Bearer ${t.gw.apiKey}` } });
    expect(res.status).toBe(403);
  });
});
