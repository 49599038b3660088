// The op-admin CLI as an operator runs it (a child process), against the running local gateway, with the
// keys it creates used through the openai SDK.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambda/core/clock';
import { rejection, sdk, type AccountOut, type KeyOut } from '../helpers/admin';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const clock = new ManualClock();
let t: TestGateway;
let notOurs: Server;
let notOursUrl: string;

/** No AWS configuration from this machine leaks in, and nothing reaches for instance metadata. */
const home = mkdtempSync(join(tmpdir(), 'op-admin-home-'));
const BASE_ENV = {
  PATH: process.env.PATH ?? '',
  HOME: home,
  AWS_CONFIG_FILE: join(home, 'none'),
  AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
  AWS_EC2_METADATA_DISABLED: 'true',
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}, entry = ['--import', 'tsx', 'bin/op-admin.ts']): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], { env: { ...BASE_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Against the local gateway with its admin token. */
const local = (...args: string[]) => run([...args, '--endpoint', t.gw.url, '--token', t.gw.adminToken]);

async function json<T>(...args: string[]): Promise<T> {
  const r = await local(...args, '--json');
  if (r.code !== 0) throw new Error(`op-admin ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const use = (key: string, family: 'v4' | 'v6' = 'v4') => sdk(t.gw, key, family).models.list();
const invalid = async (key: string) => expect((await rejection(use(key))).error).toBeInstanceOf(OpenAI.AuthenticationError);

beforeAll(async () => {
  t = await startTestGateway({ clock });
  // Some other web server: what a mistyped endpoint usually reaches.
  notOurs = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html><body>Not Found</body></html>');
  });
  await new Promise<void>((resolve) => notOurs.listen(0, '127.0.0.1', resolve));
  notOursUrl = `http://127.0.0.1:${(notOurs.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => (notOurs ? notOurs.close(() => resolve()) : resolve()));
  await t?.close();
});

describe('the key life cycle through the CLI', () => {
  it('create, use, label, allowlist v4/v6, rotate with and without grace, revoke, expire, downgrade, delete', async () => {
    const account = await json<AccountOut>('accounts', 'create', '--name', 'CLI Co', '--plan', 'pro');
    expect(account).toMatchObject({ name: 'CLI Co', plan: 'pro', key_quota: 25 });

    // Created with an IPv4-only allowlist: works from 127.0.0.1, 403 from ::1.
    const key = await json<KeyOut>('keys', 'create', account.id, '--label', 'ci', '--allow', '127.0.0.1');
    expect(key.secret).toMatch(/^op_/);
    await expect(use(key.secret!, 'v4')).resolves.toBeDefined();
    const denied = await rejection(use(key.secret!, 'v6'));
    expect(denied.error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(denied.code).toBe('ip_not_allowed');

    // Relabel and switch the allowlist to IPv6 only.
    const updated = await json<KeyOut>('keys', 'update', key.id, '--label', 'ci-v6', '--allow', '::1');
    expect(updated).toMatchObject({ label: 'ci-v6', ip_allowlist: ['::1'] });
    clock.advance(10_000);
    await expect(use(key.secret!, 'v6')).resolves.toBeDefined();
    expect((await rejection(use(key.secret!, 'v4'))).code).toBe('ip_not_allowed');
    await json('keys', 'update', key.id, '--clear-allowlist');

    const listed = await json<{ data: KeyOut[] }>('keys', 'list', account.id);
    expect(listed.data.map((k) => [k.id, k.label])).toEqual([[key.id, 'ci-v6']]);

    // Rotation with a one-hour grace.
    const graceful = await json<{ old_key: KeyOut; new_key: KeyOut }>('keys', 'rotate', key.id, '--grace', '1h');
    expect(graceful.new_key).toMatchObject({ label: 'ci-v6', replaces: key.id });
    clock.advance(3_599_000);
    await expect(use(key.secret!)).resolves.toBeDefined();
    clock.advance(1_000);
    await invalid(key.secret!);
    const second = graceful.new_key;
    await expect(use(second.secret!)).resolves.toBeDefined();

    // Rotation without grace: the old key stops within the cache bound.
    const abrupt = await json<{ old_key: KeyOut; new_key: KeyOut }>('keys', 'rotate', second.id);
    expect(abrupt.old_key.status).toBe('revoked');
    clock.advance(10_000);
    await invalid(second.secret!);
    const third = abrupt.new_key;
    await expect(use(third.secret!)).resolves.toBeDefined();

    // Revoke.
    const revoked = await json<KeyOut>('keys', 'revoke', third.id);
    expect(revoked.status).toBe('revoked');
    clock.advance(10_000);
    await invalid(third.secret!);

    // Expire.
    const expiresAt = new Date(clock.now() + 60_000).toISOString();
    const expiring = await json<KeyOut>('keys', 'create', account.id, '--expires-at', expiresAt);
    expect(expiring.expires_at).toBe((clock.now() + 60_000) / 1000);
    await expect(use(expiring.secret!)).resolves.toBeDefined();
    clock.advance(60_000);
    await invalid(expiring.secret!);

    // Downgrade with more live keys than the free quota: the table output warns on stderr.
    const live = [];
    for (let i = 0; i < 4; i++) live.push(await json<KeyOut>('keys', 'create', account.id, '--label', `k${i}`));
    const down = await local('accounts', 'update', account.id, '--plan', 'free');
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/plan\s+free/);
    expect(down.stderr).toContain("Warning: Account");
    expect(down.stderr).toContain("more than the free plan's quota of 3");
    const blocked = await local('keys', 'create', account.id);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('Error 403 (key_quota_exceeded)');
    for (const k of live) await expect(use(k.secret!)).resolves.toBeDefined();

    const shown = await local('accounts', 'show', account.id);
    expect(shown.stdout).toMatch(/active keys\s+4/);
    const all = await json<{ data: AccountOut[] }>('accounts', 'list', '--all', '--limit', '2');
    expect(all.data.map((a) => a.id)).toContain(account.id);

    // Delete needs --yes, then revokes every key.
    const unconfirmed = await local('accounts', 'delete', account.id);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');
    const deleted = await json<{ revoked_keys: number }>('accounts', 'delete', account.id, '--yes');
    // The four live keys, and the two that had expired (rotation grace over, expiry reached) but were not revoked.
    expect(deleted.revoked_keys).toBe(6);
    clock.advance(10_000);
    for (const k of live) await invalid(k.secret!);
  });

  it('sets and clears allowed models on accounts and keys, shown in the details', async () => {
    const account = await json<AccountOut>('accounts', 'create', '--name', 'Models Co', '--plan', 'pro', '--models', 'claude-*,gpt-5-mini');
    expect(account.allowed_models).toEqual(['claude-*', 'gpt-5-mini']);
    const key = await json<KeyOut>('keys', 'create', account.id, '--models', 'gpt-5-mini-2025-08-07', '--models', 'claude-sonnet-4');
    expect(key.allowed_models).toEqual(['gpt-5-mini', 'claude-sonnet-4']);
    const refused = await rejection(sdk(t.gw, key.secret!).chat.completions.create({ model: 'claude-opus-4.1', messages: [{ role: 'user', content: 'x' }] }));
    expect(refused).toMatchObject({ status: 403, code: 'model_not_allowed' });
    const shown = await local('keys', 'show', key.id);
    expect(shown.stdout).toMatch(/allowed models\s+gpt-5-mini, claude-sonnet-4/);
    expect((await json<KeyOut>('keys', 'update', key.id, '--all-models')).allowed_models).toBeNull();
    expect((await json<AccountOut>('accounts', 'update', account.id, '--all-models')).allowed_models).toBeNull();
    expect((await local('accounts', 'show', account.id)).stdout).toMatch(/allowed models\s+all/);
    const bad = await local('keys', 'update', key.id, '--models', 'gpt-6');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('allowed_models[0]');
    expect((await local('keys', 'update', key.id, '--models', 'gpt-5', '--all-models')).code).toBe(2);
  });

  it('sets and removes budgets on accounts and keys, and lists budget events', async () => {
    const account = await json<AccountOut>('accounts', 'create', '--name', 'Budget Co', '--plan', 'pro', '--budget-usd', '250', '--budget-period', 'month');
    expect(account.budget).toEqual({ limit_usd: 250, period: 'month' });
    const key = await json<KeyOut>('keys', 'create', account.id, '--budget-usd', '2.50', '--budget-period', 'day');
    expect(key.budget).toEqual({ limit_usd: 2.5, period: 'day' });
    expect((await local('keys', 'show', key.id)).stdout).toMatch(/budget\s+\$2\.5 per day/);
    // Spend against the budget: settled costs of the day.
    await sdk(t.gw, key.secret!).chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'x' }] });
    await t.gw.usageSettled();
    const spent = Number(/budget spent\s+\$([\d.]+)/.exec((await local('keys', 'show', key.id)).stdout)?.[1]);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThan(2.5);
    expect((await local('accounts', 'show', account.id)).stdout).toMatch(/budget\s+\$250 per month/);
    expect((await json<KeyOut>('keys', 'update', key.id, '--no-budget')).budget).toBeNull();
    expect((await local('accounts', 'events', account.id)).stdout).toContain('No events.');
    expect((await local('keys', 'update', key.id, '--budget-usd', '5')).code).toBe(2);
    const bad = await local('keys', 'update', key.id, '--budget-usd', '5', '--budget-period', 'year');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('budget.period');
  });

  it('lists, adds, reprices and retires catalog models', async () => {
    const listed = await local('models', 'list');
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID\s+TIER\s+STATUS\s+INPUT \$\/1M\s+OUTPUT \$\/1M\s+CONTEXT\s+ROUTES$/);
    expect(listed.stdout).toMatch(/\bclaude-sonnet-4\s+versatile\s+active\s+3\s+15\b/);
    const file = join(home, 'cli-model.json');
    writeFileSync(file, JSON.stringify({ id: 'cli-model', owned_by: 'acme', context_window: 8_000, max_output_tokens: 1_000, pricing: { input_per_1m: 1, output_per_1m: 2 }, tier: 'fast', routes: [{ provider: 'groq', upstream_model: 'cli-v1' }] }));
    expect((await json<{ id: string; source: string }>('models', 'add', file))).toMatchObject({ id: 'cli-model', source: 'operator' });
    const repriced = await json<{ pricing: Record<string, number> }>('models', 'update', 'cli-model', '--output-price', '3.5');
    expect(repriced.pricing).toEqual({ input_per_1m: 1, output_per_1m: 3.5, cached_input_per_1m: 1, cache_write_per_1m: 1 });
    expect((await local('models', 'show', 'cli-model')).stdout).toMatch(/output \$\/1M\s+3\.5/);
    expect(await json<{ status: string; successor: string }>('models', 'retire', 'cli-model', '--successor', 'llama-3.3-70b')).toMatchObject({ status: 'retired', successor: 'llama-3.3-70b' });
    const bad = await local('models', 'update', 'cli-model', '--input-price', '-1');
    expect(bad.code).toBe(2);
    expect((await local('models', 'delete', 'cli-model')).code).toBe(2);
    expect((await local('models', 'delete', 'cli-model', '--yes')).code).toBe(0);
  });

  it('prints tables by default, with the secret shown once', async () => {
    const account = await json<AccountOut>('accounts', 'create', '--name', 'Tables', '--plan', 'pro');
    const created = await local('keys', 'create', account.id, '--label', 'web');
    expect(created.code).toBe(0);
    const secret = /^(op_[A-Za-z0-9]{37})$/m.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(created.stdout).toContain('shown once');
    const listed = await local('keys', 'list', account.id);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID\s+LABEL\s+HINT\s+STATUS\s+CREATED\s+LAST USED\s+EXPIRES\s+IP ALLOWLIST$/);
    expect(listed.stdout).toMatch(/\bweb\s+op_\w{4}…\w{4}\s+active/);
    expect(listed.stdout).not.toContain(secret!);
  });

  it('runs as `npx op-admin` through the bin shim', async () => {
    const r = await run(['accounts', 'list', '--endpoint', t.gw.url, '--token', t.gw.adminToken], {}, ['bin/op-admin.js']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+PLAN\s+KEY QUOTA\s+CREATED$/);
    expect(r.stdout).toContain('Local development');
  });
});

describe('errors an operator can act on', () => {
  it('every 4xx prints the API message, its code and the param', async () => {
    const account = await json<AccountOut>('accounts', 'create', '--name', 'Errors', '--plan', 'free');
    const [cidr, noName, freeAllow, missing, badLimit] = await Promise.all([
      local('keys', 'create', account.id, '--allow', '10.0.0.0/33'),
      local('accounts', 'create', '--plan', 'pro'),
      local('keys', 'create', account.id, '--allow', '10.0.0.0/8'),
      local('keys', 'revoke', 'key_0000000000000000'),
      local('accounts', 'update', account.id, '--plan', 'enterprise', '--custom-limit', 'requests_per_minute=lots'),
    ]);
    expect(cidr).toMatchObject({ code: 1, stdout: '' });
    expect(cidr.stderr).toContain("Error 400 (invalid_cidr): 'ip_allowlist[0]' is not an IPv4 or IPv6 address or CIDR");
    expect(cidr.stderr).toContain('param: ip_allowlist[0]');
    expect(noName.stderr).toContain('Error 400 (missing_parameter)');
    expect(noName.stderr).toContain('param: name');
    expect(freeAllow.stderr).toContain('Error 403 (ip_allowlist_not_available): IP allowlists are available on the pro and enterprise plans');
    expect(missing.stderr).toContain("Error 404 (key_not_found): No API key with id 'key_0000000000000000'.");
    expect(badLimit.stderr).toContain('param: custom_limits.requests_per_minute');
    expect(await json<{ data: KeyOut[] }>('keys', 'list', account.id)).toMatchObject({ data: [] });
  });

  it('says so when the endpoint is down, is not this API, or the token is wrong', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const [refused, wrong, badToken, notUrl] = await Promise.all([
      run(['accounts', 'list', '--endpoint', closedUrl, '--token', 'x']),
      run(['accounts', 'list', '--endpoint', notOursUrl, '--token', 'x']),
      run(['accounts', 'list', '--endpoint', t.gw.url, '--token', 'opadm_wrong']),
      run(['accounts', 'list', '--endpoint', 'not a url', '--token', 'x']),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Cannot reach the admin API at ${closedUrl} (ECONNREFUSED)`);
    expect(wrong.stderr).toContain(`${notOursUrl} did not answer like the OriginalPoint admin API (HTTP 404)`);
    expect(badToken.stderr).toContain('Error 403 (forbidden)');
    expect(badToken.stderr).toContain('--token or set OP_ADMIN_TOKEN');
    expect(notUrl.code).toBe(2);
  });

  it('without a token it signs with AWS credentials, and says so when there are none', async () => {
    const r = await run(['accounts', 'list', '--endpoint', 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No AWS credentials found');
    expect(r.stderr).toContain('--token');
  });

  it('without an endpoint it explains where one comes from', async () => {
    const r = await run(['accounts', 'list', '--token', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--endpoint');
    expect(r.stderr).toContain('OP_ADMIN_ENDPOINT');
  });

  it('usage errors exit 2 with the usage line', async () => {
    const [unknown, noId, flag] = await Promise.all([
      run(['keys', 'explode']),
      run(['keys', 'revoke', '--endpoint', t.gw.url, '--token', t.gw.adminToken]),
      run(['keys', 'rotate', 'key_x', '--grace', 'soon', '--endpoint', t.gw.url, '--token', t.gw.adminToken]),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command 'keys explode'");
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('Usage: op-admin keys revoke KEY_ID');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--grace must be a duration');
  });
});
