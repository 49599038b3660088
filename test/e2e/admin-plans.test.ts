// Plans through the admin API: key quotas, allowlists by plan, plan changes, custom limits, and the audit
// trail every change leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambda/core/clock';
import { adminClient, sdk, type AccountOut, type ErrorOut, type KeyOut } from '../helpers/admin';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const clock = new ManualClock();
let t: TestGateway;
let admin: ReturnType<typeof adminClient>;

beforeAll(async () => {
  t = await startTestGateway({ clock });
  admin = adminClient(t.gw);
});
afterAll(async () => {
  await t?.close();
});

async function fill(accountId: string, n: number): Promise<KeyOut[]> {
  const out: KeyOut[] = [];
  for (let i = 0; i < n; i++) out.push(await admin.createKey(accountId, { label: `k${i}` }));
  return out;
}

async function refused(accountId: string, body: Record<string, unknown> = {}) {
  const reply = await admin.call<ErrorOut>('POST', `/admin/accounts/${accountId}/keys`, body);
  expect(reply.status).toBe(403);
  return reply.json.error;
}

describe('key quotas', () => {
  it.each([
    ['free', 3],
    ['pro', 25],
  ])('%s: %i active keys, then 403 naming the plan and its quota', async (plan, quota) => {
    const account = await admin.createAccount(`${plan} quota`, plan);
    await fill(account.id, quota);
    const error = await refused(account.id);
    expect(error.code).toBe('key_quota_exceeded');
    expect(error.message).toContain(`The ${plan} plan allows at most ${quota} active API keys`);
    expect(await admin.listKeys(account.id)).toHaveLength(quota);
  });

  it('enterprise: no quota', async () => {
    const account = await admin.createAccount('big', 'enterprise');
    await fill(account.id, 30);
    expect((await admin.ok<AccountOut>('GET', `/admin/accounts/${account.id}`)).active_keys).toBe(30);
  });

  it('revoked and expired keys do not count', async () => {
    const account = await admin.createAccount('churn', 'free');
    const [a] = await fill(account.id, 2);
    await admin.createKey(account.id, { expires_at: Math.floor(clock.now() / 1000) + 60 });
    await refused(account.id);
    await admin.ok('DELETE', `/admin/keys/${a!.id}`);
    await admin.createKey(account.id);
    await refused(account.id);
    clock.advance(60_000);
    await expect(admin.createKey(account.id)).resolves.toMatchObject({ status: 'active' });
  });
});

describe('IP allowlists by plan', () => {
  it('a free account gets 403 saying allowlists need pro or enterprise, on create and on update', async () => {
    const free = await admin.createAccount('free allow', 'free');
    const error = await refused(free.id, { ip_allowlist: ['10.0.0.0/8'] });
    expect(error.code).toBe('ip_allowlist_not_available');
    expect(error.message).toContain('pro and enterprise plans');
    const key = await admin.createKey(free.id);
    const patch = await admin.call<ErrorOut>('PATCH', `/admin/keys/${key.id}`, { ip_allowlist: ['10.0.0.0/8'] });
    expect(patch.status).toBe(403);
    expect(patch.json.error.code).toBe('ip_allowlist_not_available');
    expect((await admin.listKeys(free.id))[0]!.ip_allowlist).toEqual([]);
  });
});

describe('plan changes', () => {
  it('a downgrade keeps every key working, says the account is over quota, and blocks new keys until it is under', async () => {
    const account = await admin.createAccount('shrinking', 'pro');
    const keys = await fill(account.id, 5);
    const scoped = await admin.createKey(account.id, { ip_allowlist: ['127.0.0.1'] });

    const down = await admin.ok<AccountOut>('PATCH', `/admin/accounts/${account.id}`, { plan: 'free' });
    expect(down).toMatchObject({ plan: 'free', key_quota: 3, active_keys: 6 });
    expect(down.warnings?.[0]).toContain("6 active API keys, more than the free plan's quota of 3");
    expect(down.warnings?.[0]).toContain('Existing keys keep working');
    expect(down.warnings?.[1]).toContain('IP allowlists');

    expect((await admin.listKeys(account.id)).every((k) => k.status === 'active')).toBe(true);
    for (const k of [...keys, scoped]) await expect(sdk(t.gw, k.secret!).models.list()).resolves.toBeDefined();

    const error = await refused(account.id);
    expect(error.code).toBe('key_quota_exceeded');
    expect(error.message).toContain("more than the free plan's quota of 3");
    expect(error.message).toContain('new keys are blocked until fewer than 3 are active');

    for (const k of keys.slice(0, 3)) await admin.ok('DELETE', `/admin/keys/${k.id}`);
    await refused(account.id); // 3 active: at the quota, still no room
    await admin.ok('DELETE', `/admin/keys/${scoped.id}`);
    await expect(admin.createKey(account.id)).resolves.toMatchObject({ status: 'active' });
  });

  it('enterprise custom limits: set, shown over the defaults, unlimited as null, dropped when leaving enterprise', async () => {
    const account = await admin.createAccount('custom', 'enterprise', {
      custom_limits: { requests_per_minute: 123_456, tokens_per_month: null },
    });
    expect(account.custom_limits).toEqual({ requests_per_minute: 123_456, tokens_per_month: null });
    expect(account.limits).toMatchObject({ requests_per_minute: 123_456, tokens_per_month: null, concurrent_requests: 500 });

    const changed = await admin.ok<AccountOut>('PATCH', `/admin/accounts/${account.id}`, { custom_limits: { concurrent_requests: 5 } });
    expect(changed.custom_limits).toEqual({ concurrent_requests: 5 });
    expect(changed.limits.requests_per_minute).toBe(10_000);

    const pro = await admin.ok<AccountOut>('PATCH', `/admin/accounts/${account.id}`, { plan: 'pro', name: 'custom (pro)' });
    expect(pro).toMatchObject({ plan: 'pro', name: 'custom (pro)', custom_limits: null, key_quota: 25 });
    const back = await admin.ok<AccountOut>('PATCH', `/admin/accounts/${account.id}`, { plan: 'enterprise' });
    expect(back.custom_limits).toBeNull();
  });

  it('lists accounts oldest first, page by page', async () => {
    const seen: string[] = [];
    const created: number[] = [];
    let after: string | null = null;
    do {
      const page: { data: AccountOut[]; has_more: boolean; next_cursor: string | null } = await admin.ok(
        'GET',
        `/admin/accounts?limit=2${after ? `&after=${after}` : ''}`,
      );
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((a) => a.name));
      created.push(...page.data.map((a) => a.created_at));
      after = page.has_more ? page.next_cursor : null;
    } while (after);
    expect(created).toEqual([...created].sort((x, y) => x - y));
    expect(seen).toEqual(expect.arrayContaining(['Local development', 'shrinking', 'custom (pro)', 'free quota', 'big']));
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('audit trail', () => {
  it('records who did what to which ids, and never a secret or a hash', async () => {
    const account = await admin.createAccount('audited', 'pro');
    const key = await admin.createKey(account.id, { label: 'a', ip_allowlist: ['::1'] });
    await admin.ok('PATCH', `/admin/keys/${key.id}`, { label: 'b' });
    const rotation = await admin.ok<{ new_key: KeyOut }>('POST', `/admin/keys/${key.id}/rotate`, { grace_period_seconds: 10 });
    await admin.ok('DELETE', `/admin/keys/${rotation.new_key.id}`);
    await admin.ok('PATCH', `/admin/accounts/${account.id}`, { plan: 'enterprise' });
    await admin.ok('DELETE', `/admin/accounts/${account.id}`);

    const day = new Date(clock.now()).toISOString().slice(0, 10);
    const entries = (await t.gw.deps.store.audit.listDay(day)).filter((e) => e.accountId === account.id);
    expect(entries.map((e) => [e.action, e.keyId ?? null])).toEqual([
      ['account.create', null],
      ['key.create', key.id],
      ['key.update', key.id],
      ['key.rotate', key.id],
      ['key.revoke', rotation.new_key.id],
      ['account.update', null],
      ['key.revoke', key.id], // still in its grace period when the account went
      ['account.delete', null],
    ]);
    for (const e of entries) {
      expect(e.actor).toBe('local-admin');
      expect(e.at).toBe(new Date(clock.now()).toISOString());
    }
    expect(entries.find((e) => e.action === 'key.rotate')?.newKeyId).toBe(rotation.new_key.id);
    expect(entries.find((e) => e.action === 'key.update')?.fields).toEqual(['label']);
    const text = JSON.stringify(entries);
    for (const secret of [key.secret!, rotation.new_key.secret!]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(3));
    }
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });
});
