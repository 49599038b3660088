// The key life cycle through the admin API, used with the official `openai` SDK against the local gateway
// (in-process runtime, dynalite, simulated providers) on a clock the test moves by hand.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambda/core/clock';
import { adminClient, rejection, sdk, type AccountOut, type KeyOut } from '../helpers/admin';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const clock = new ManualClock();
let t: TestGateway;
let admin: ReturnType<typeof adminClient>;
let pro: AccountOut;

const nowSeconds = () => Math.floor(clock.now() / 1000);
const INVALID = 'Incorrect API key provided. You can find your API key in your OriginalPoint account.';

/** One cheap authenticated call: the models list. */
const use = (key: string, family: 'v4' | 'v6' = 'v4', headers: Record<string, string> = {}) =>
  sdk(t.gw, key, family, headers).models.list();

async function expectInvalid(key: string) {
  const r = await rejection(use(key));
  expect(r.error).toBeInstanceOf(OpenAI.AuthenticationError);
  expect(r.code).toBe('invalid_api_key');
  expect(r.message).toContain(INVALID);
}

beforeAll(async () => {
  t = await startTestGateway({ clock });
  admin = adminClient(t.gw);
  pro = await admin.createAccount('Acme', 'pro');
});
afterAll(async () => {
  await t?.close();
});

describe('create, use, label', () => {
  it('issues a key whose secret is shown once and works with the SDK for chat and models', async () => {
    const key = await admin.createKey(pro.id, { label: 'ci' });
    expect(key.secret).toMatch(/^op_[A-Za-z0-9]{37}$/);
    expect(key.hint).toBe(`${key.secret!.slice(0, 7)}…${key.secret!.slice(-4)}`);
    expect(key).toMatchObject({ account_id: pro.id, label: 'ci', status: 'active', ip_allowlist: [], expires_at: null });

    const client = sdk(t.gw, key.secret!);
    const completion = await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBeTruthy();

    const listed = (await admin.listKeys(pro.id)).find((k) => k.id === key.id)!;
    expect(listed).not.toHaveProperty('secret');
    expect(JSON.stringify(await admin.listKeys(pro.id))).not.toContain(key.secret!);
  });

  it('keeps last_used_at with at most one write per key per minute', async () => {
    const key = await admin.createKey(pro.id, { label: 'busy' });
    await use(key.secret!);
    await t.gw.deps.auth.settle();
    const first = (await admin.listKeys(pro.id)).find((k) => k.id === key.id)!.last_used_at;
    expect(first).toBe(nowSeconds());

    clock.advance(30_000);
    for (let i = 0; i < 5; i++) await use(key.secret!);
    await t.gw.deps.auth.settle();
    expect((await admin.listKeys(pro.id)).find((k) => k.id === key.id)!.last_used_at).toBe(first);

    clock.advance(30_000);
    await use(key.secret!);
    await t.gw.deps.auth.settle();
    expect((await admin.listKeys(pro.id)).find((k) => k.id === key.id)!.last_used_at).toBe(nowSeconds());
  });

  it('relabels a key without touching its secret', async () => {
    const key = await admin.createKey(pro.id, { label: 'old name' });
    const patched = await admin.ok<KeyOut>('PATCH', `/admin/keys/${key.id}`, { label: 'new name' });
    expect(patched.label).toBe('new name');
    expect((await admin.listKeys(pro.id)).find((k) => k.id === key.id)!.label).toBe('new name');
    await expect(use(key.secret!)).resolves.toBeDefined();
  });
});

describe('IP allowlists on /v1', () => {
  it('IPv4: a key allowing 127.0.0.0/8 works from 127.0.0.1 and gets 403 ip_not_allowed from ::1', async () => {
    const key = await admin.createKey(pro.id, { ip_allowlist: ['127.0.0.0/8'] });
    await expect(use(key.secret!, 'v4')).resolves.toBeDefined();
    const denied = await rejection(use(key.secret!, 'v6'));
    expect(denied.error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(denied.code).toBe('ip_not_allowed');
    expect(denied.message).toContain('::1');
  });

  it('IPv6: a key allowing ::1 works from ::1 and gets 403 from 127.0.0.1', async () => {
    const key = await admin.createKey(pro.id, { ip_allowlist: ['2001:db8::/32', '::1/128'] });
    await expect(use(key.secret!, 'v6')).resolves.toBeDefined();
    const denied = await rejection(use(key.secret!, 'v4'));
    expect(denied.error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(denied.code).toBe('ip_not_allowed');
  });

  it('does not trust X-Forwarded-For from the client', async () => {
    const key = await admin.createKey(pro.id, { ip_allowlist: ['203.0.113.0/24'] });
    const denied = await rejection(use(key.secret!, 'v4', { 'x-forwarded-for': '203.0.113.5', 'x-real-ip': '203.0.113.5' }));
    expect(denied.code).toBe('ip_not_allowed');
    expect(denied.message).toContain('127.0.0.1');
  });

  it('an allowlist set later applies within the cache bound, and clearing it opens the key again', async () => {
    const key = await admin.createKey(pro.id);
    await use(key.secret!, 'v6');
    await admin.ok('PATCH', `/admin/keys/${key.id}`, { ip_allowlist: ['127.0.0.1'] });
    clock.advance(10_000);
    expect((await rejection(use(key.secret!, 'v6'))).code).toBe('ip_not_allowed');
    await admin.ok('PATCH', `/admin/keys/${key.id}`, { ip_allowlist: null });
    clock.advance(10_000);
    await expect(use(key.secret!, 'v6')).resolves.toBeDefined();
  });
});

describe('revocation, rotation and expiry', () => {
  it('revocation takes effect within 10 s on an instance that has the key cached (never later)', async () => {
    const key = await admin.createKey(pro.id);
    await use(key.secret!); // now cached in this instance for 10 s
    const revoked = await admin.ok<KeyOut>('DELETE', `/admin/keys/${key.id}`);
    expect(revoked.status).toBe('revoked');
    await expect(use(key.secret!)).resolves.toBeDefined();
    clock.advance(9_999);
    await expect(use(key.secret!)).resolves.toBeDefined();
    clock.advance(1);
    await expectInvalid(key.secret!);
  });

  it('a key revoked before this instance ever saw it fails at once', async () => {
    const key = await admin.createKey(pro.id);
    await admin.ok('DELETE', `/admin/keys/${key.id}`);
    await expectInvalid(key.secret!);
  });

  it('rotation without grace: the replacement works at once, the old key stops within the cache bound', async () => {
    const old = await admin.createKey(pro.id, { label: 'deploy', ip_allowlist: ['127.0.0.1', '::1'] });
    await use(old.secret!);
    const rotation = await admin.ok<{ old_key: KeyOut; new_key: KeyOut; grace_period_seconds: number }>(
      'POST',
      `/admin/keys/${old.id}/rotate`,
      { grace_period_seconds: 0 },
    );
    expect(rotation.grace_period_seconds).toBe(0);
    expect(rotation.new_key).toMatchObject({ label: 'deploy', ip_allowlist: ['127.0.0.1', '::1'], replaces: old.id, status: 'active' });
    expect(rotation.old_key).toMatchObject({ id: old.id, status: 'revoked', replaced_by: rotation.new_key.id });
    expect(rotation.new_key.secret).toMatch(/^op_/);
    await expect(use(rotation.new_key.secret!)).resolves.toBeDefined();
    clock.advance(10_000);
    await expectInvalid(old.secret!);
    await expect(use(rotation.new_key.secret!)).resolves.toBeDefined();
  });

  it('rotation with grace: the old key works for the grace period, then stops', async () => {
    const old = await admin.createKey(pro.id, { label: 'svc' });
    const rotation = await admin.ok<{ old_key: KeyOut; new_key: KeyOut }>('POST', `/admin/keys/${old.id}/rotate`, { grace_period_seconds: 3600 });
    expect(rotation.old_key).toMatchObject({ status: 'active', expires_at: nowSeconds() + 3600 });
    clock.advance(3_599_000);
    await expect(use(old.secret!)).resolves.toBeDefined();
    clock.advance(1_000);
    await expectInvalid(old.secret!);
    await expect(use(rotation.new_key.secret!)).resolves.toBeDefined();
    expect((await admin.listKeys(pro.id)).find((k) => k.id === old.id)!.status).toBe('expired');
  });

  it('refuses to rotate a revoked key or one already rotated (409)', async () => {
    const key = await admin.createKey(pro.id);
    await admin.ok('POST', `/admin/keys/${key.id}/rotate`, { grace_period_seconds: 60 });
    const again = await admin.call<{ error: { code: string } }>('POST', `/admin/keys/${key.id}/rotate`, {});
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('key_already_rotated');
    const gone = await admin.createKey(pro.id);
    await admin.ok('DELETE', `/admin/keys/${gone.id}`);
    expect((await admin.call('POST', `/admin/keys/${gone.id}/rotate`, {})).status).toBe(409);
  });

  it('the seed rotation (create new, switch, delete old) works through the plain routes', async () => {
    const old = await admin.createKey(pro.id, { label: 'manual' });
    const fresh = await admin.createKey(pro.id, { label: 'manual' });
    await use(fresh.secret!);
    await admin.ok('DELETE', `/admin/keys/${old.id}`);
    await expectInvalid(old.secret!);
    await expect(use(fresh.secret!)).resolves.toBeDefined();
  });

  it('an expiring key stops at its expiry instant, with no cache delay', async () => {
    const key = await admin.createKey(pro.id, { expires_at: nowSeconds() + 60 });
    await use(key.secret!);
    clock.advance(59_999);
    await expect(use(key.secret!)).resolves.toBeDefined();
    clock.advance(1);
    await expectInvalid(key.secret!);
  });

  it('unknown, malformed and missing keys get the same 401 (missing says how to send one)', async () => {
    await expectInvalid(`op_${'A'.repeat(37)}`);
    await expectInvalid('sk-not-ours');
    const missing = await fetch(`${t.gw.baseUrl}/models`);
    expect(missing.status).toBe(401);
  });

  it('deleting an account revokes all its keys first; they stop within the bound and the account is gone', async () => {
    const doomed = await admin.createAccount('Doomed', 'pro');
    const a = await admin.createKey(doomed.id);
    const b = await admin.createKey(doomed.id);
    await admin.ok('DELETE', `/admin/keys/${b.id}`);
    const c = await admin.createKey(doomed.id);
    await use(a.secret!);
    const deleted = await admin.ok<{ deleted: boolean; revoked_keys: number }>('DELETE', `/admin/accounts/${doomed.id}`);
    expect(deleted).toMatchObject({ deleted: true, revoked_keys: 2 });
    expect((await admin.ok<KeyOut>('GET', `/admin/keys/${c.id}`)).status).toBe('revoked');
    expect((await admin.call('GET', `/admin/accounts/${doomed.id}`)).status).toBe(404);
    expect((await admin.call('GET', `/admin/accounts/${doomed.id}/keys`)).status).toBe(404);
    await expectInvalid(c.secret!);
    clock.advance(10_000);
    await expectInvalid(a.secret!);
  });
});
