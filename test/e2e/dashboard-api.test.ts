// The dashboard API without the browser, against the local gateway with cognito-local standing in for
// Cognito: users sign up and verify with the code Cognito would have e-mailed, sign in for an ID token, and
// act on their own account only. Another account's ids are 404, a member on an owner route 403, a missing or
// forged token 401, bad input 400 naming the field with nothing written.
import { CognitoIdentityProviderClient, ConfirmSignUpCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysTableSnapshot, sdk } from '../helpers/admin';
import { codeFor } from '../helpers/dashboard';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let cognito: CognitoIdentityProviderClient;
const PASSWORD = 'Correct-Horse-42-Battery';

interface Reply<T = Record<string, unknown>> {
  status: number;
  json: T;
}

async function call<T = Record<string, unknown>>(token: string | undefined, method: string, path: string, body?: unknown): Promise<Reply<T>> {
  const res = await fetch(`${t.gw.url}/dashboard/api${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

/** Sign-up as the browser does it: Cognito e-mails a code, the user types it in, then signs in. */
async function signUp(email: string): Promise<string> {
  const clientId = t.gw.cognito!.clientId;
  await cognito.send(new SignUpCommand({ ClientId: clientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }] }));
  const code = await codeFor(t.gw, email);
  await cognito.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }));
  const auth = await cognito.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
  return auth.AuthenticationResult!.IdToken!;
}

interface KeyOut {
  id: string;
  label: string;
  secret?: string;
  status: string;
}

let alice: string;
let bob: string;
let aliceKey: KeyOut;
let bobKey: KeyOut;

beforeAll(async () => {
  t = await startTestGateway({ dashboard: true });
  cognito = new CognitoIdentityProviderClient({ endpoint: t.gw.cognito!.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  [alice, bob] = await Promise.all([signUp('alice@example.com'), signUp('bob@example.com')]);
}, 60_000);
afterAll(async () => {
  cognito?.destroy();
  await t?.close();
});

describe('signing up', () => {
  it('before onboarding there is no account; onboarding creates one on the free plan with a first key shown once', async () => {
    expect((await call(alice, 'GET', '/me')).json).toMatchObject({ error: { code: 'not_onboarded' } });
    const first = await call<{ first_key: KeyOut; account: { plan: string; id: string }; user: { role: string; email: string } }>(alice, 'POST', '/onboard');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ account: { plan: 'free' }, user: { role: 'owner', email: 'alice@example.com' } });
    aliceKey = first.json.first_key;
    expect(aliceKey.secret).toMatch(/^op_/);
    const answer = await sdk(t.gw, aliceKey.secret!).chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    // Only once.
    expect((await call<{ first_key: unknown }>(alice, 'POST', '/onboard')).json.first_key).toBeNull();
    const listed = await call<{ data: KeyOut[] }>(alice, 'GET', '/keys');
    expect(listed.json.data.map((k) => k.id)).toEqual([aliceKey.id]);
    expect(JSON.stringify(listed.json)).not.toContain(aliceKey.secret);
    bobKey = (await call<{ first_key: KeyOut }>(bob, 'POST', '/onboard')).json.first_key;
  });

  it('shows the request in Activity and Usage', async () => {
    await t.gw.usageSettled();
    const activity = await call<{ data: Array<{ keyId: string; modelUsed: string; status: string }> }>(alice, 'GET', '/activity');
    expect(activity.json.data[0]).toMatchObject({ keyId: aliceKey.id, modelUsed: 'gpt-5-mini', status: 'ok' });
    const usage = await call<{ total: { requests: number } }>(alice, 'GET', '/usage');
    expect(usage.json.total.requests).toBe(1);
    const me = await call<{ spend_this_month_usd: number; gateway_base_url: string }>(alice, 'GET', '/me');
    expect(me.json.spend_this_month_usd).toBeGreaterThan(0);
    expect(me.json.gateway_base_url).toBe(t.gw.baseUrl);
  });
});

describe('who may act on what', () => {
  it('answers 401 without a token, with a forged one, and with a token from another app client', async () => {
    expect((await call(undefined, 'GET', '/keys')).status).toBe(401);
    const [header, payload, signature] = alice.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    // The same token claiming to be Bob: the signature no longer matches.
    const forged = [header, Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url'), signature].join('.');
    const reply = await call(forged, 'GET', '/keys');
    expect(reply.status).toBe(401);
    expect(reply.json).toMatchObject({ error: { code: 'not_signed_in' } });
    expect((await call('x'.repeat(40), 'GET', '/keys')).status).toBe(401);
  });

  it("answers 404 for another account's keys, on every key route, and changes nothing", async () => {
    const before = await keysTableSnapshot(t.gw);
    for (const [method, path, body] of [
      ['PATCH', `/keys/${bobKey.id}`, { label: 'mine now' }],
      ['DELETE', `/keys/${bobKey.id}`, undefined],
      ['POST', `/keys/${bobKey.id}/rotate`, { grace_period_seconds: 0 }],
    ] as const) {
      const r = await call(alice, method, path, body);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.json).toMatchObject({ error: { code: 'key_not_found' } });
    }
    expect((await call<{ data: KeyOut[] }>(alice, 'GET', '/keys')).json.data.map((k) => k.id)).not.toContain(bobKey.id);
    expect(await keysTableSnapshot(t.gw)).toEqual(before);
  });

  it('lets an invited member see and manage keys but not members', async () => {
    expect((await call(alice, 'POST', '/members', { email: 'Carol@Example.com' })).json).toMatchObject({ email: 'carol@example.com', role: 'member' });
    const carol = await signUp('carol@example.com');
    const joined = await call<{ account: { id: string }; user: { role: string } }>(carol, 'POST', '/onboard');
    const aliceAccount = (await call<{ account: { id: string } }>(alice, 'GET', '/me')).json.account.id;
    expect(joined.json).toMatchObject({ account: { id: aliceAccount }, user: { role: 'member' } });
    expect((await call<{ data: KeyOut[] }>(carol, 'GET', '/keys')).json.data.map((k) => k.id)).toContain(aliceKey.id);
    for (const [method, path, body] of [
      ['GET', '/members', undefined],
      ['POST', '/members', { email: 'dave@example.com' }],
      ['DELETE', '/members/anyone', undefined],
      ['PATCH', '/account', { budget: null }],
    ] as const) {
      const r = await call(carol, method, path, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.json).toMatchObject({ error: { code: 'owner_only' } });
    }
    const members = await call<{ data: Array<{ email: string; role: string }> }>(alice, 'GET', '/members');
    expect(members.json.data.map((m) => [m.email, m.role]).sort()).toEqual([['alice@example.com', 'owner'], ['carol@example.com', 'member']]);
  });
});

describe('keys from the dashboard', () => {
  it('creates, rotates with a grace period and revokes, through the same rules as the admin API', async () => {
    const created = await call<KeyOut>(alice, 'POST', '/keys', { label: 'ci' });
    expect(created.json.secret).toMatch(/^op_/);
    // A free account: the allowlist is refused with the plan's reason, named by field.
    const allow = await call<{ error: { param: string; code: string; message: string } }>(alice, 'PATCH', `/keys/${created.json.id}`, { ip_allowlist: ['10.0.0.0/8'] });
    expect(allow.status).toBe(403);
    expect(allow.json.error).toMatchObject({ param: 'ip_allowlist', code: 'ip_allowlist_not_available' });
    const rotated = await call<{ new_key: KeyOut; old_key: KeyOut }>(alice, 'POST', `/keys/${created.json.id}/rotate`, { grace_period_seconds: 3600 });
    expect(rotated.json.new_key.secret).toMatch(/^op_/);
    const revoked = await call<KeyOut>(alice, 'DELETE', `/keys/${rotated.json.new_key.id}`);
    expect(revoked.json.status).toBe('revoked');
    const err = await sdk(t.gw, rotated.json.new_key.secret!).models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('sets budgets and model allowlists on keys and shows the spend against them', async () => {
    const created = await call<KeyOut & { budget: unknown; allowed_models: string[] }>(alice, 'POST', '/keys', { label: 'metered', budget: { limit_usd: 1, period: 'month' }, allowed_models: ['gpt-5-mini'] });
    expect(created.json).toMatchObject({ budget: { limit_usd: 1, period: 'month' }, allowed_models: ['gpt-5-mini'] });
    const client = sdk(t.gw, created.json.secret!);
    await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect((await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as { status: number }).toMatchObject({ status: 403 });
    await t.gw.usageSettled();
    const listed = (await call<{ data: Array<KeyOut & { budget_spent_usd: number | null }> }>(alice, 'GET', '/keys')).json.data;
    const metered = listed.find((k) => k.id === created.json.id)!;
    expect(metered.budget_spent_usd).toBeGreaterThan(0);
    expect(metered.budget_spent_usd).toBeLessThan(1);
    expect(listed.find((k) => k.id === aliceKey.id)!.budget_spent_usd).toBeNull();
    const bad = await call<{ error: { param: string } }>(alice, 'PATCH', `/keys/${created.json.id}`, { allowed_models: ['gpt-6'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('allowed_models[0]');
  });

  it("lets owners set the account's budget, and lists the budget events it raises", async () => {
    // Keys cache their account for up to 10 s (the documented bound), so each budget below is set on an
    // account before its key is first used. A short answer (max_tokens 5) on a model without hidden
    // reasoning costs about 40% of its worst case.
    const ask = { model: 'gpt-4.1', max_tokens: 5, messages: [{ role: 'user' as const, content: 'hi' }] };
    const set = await call<{ budget: unknown }>(bob, 'PATCH', '/account', { budget: { limit_usd: 1, period: 'month' } });
    expect(set.json.budget).toEqual({ limit_usd: 1, period: 'month' });
    const { response } = await sdk(t.gw, bobKey.secret!).chat.completions.create(ask).withResponse();
    expect(response.headers.get('x-budget-scope')).toBe('account');
    const worst = 1 - Number(response.headers.get('x-budget-remaining-usd'));

    const dave = await signUp('dave@example.com');
    const daveKey = (await call<{ first_key: KeyOut }>(dave, 'POST', '/onboard')).json.first_key;
    await call(dave, 'PATCH', '/account', { budget: { limit_usd: Math.ceil(worst * 2 * 1e6) / 1e6, period: 'total' } });
    const client = sdk(t.gw, daveKey.secret!);
    let found: Array<{ scope: string; threshold_percent: number }> = [];
    for (let i = 0; i < 5 && !found.some((e) => e.scope === 'account'); i++) {
      const r = await client.chat.completions.create(ask).catch((e: unknown) => e);
      if (r instanceof OpenAI.APIError) break;
      await t.gw.usageSettled();
      found = (await call<{ data: typeof found }>(dave, 'GET', '/events')).json.data;
    }
    expect(found.filter((e) => e.scope === 'account').map((e) => e.threshold_percent)).toContain(50);
    const me = await call<{ budget_spent_usd: number; account: { budget: { period: string } } }>(dave, 'GET', '/me');
    expect(me.json.account.budget.period).toBe('total');
    expect(me.json.budget_spent_usd).toBeGreaterThan(0);
    // Another account's events are not listed.
    expect((await call<{ data: unknown[] }>(alice, 'GET', '/events')).json.data).toEqual([]);
    // Plans and limits stay the operator's.
    expect((await call<{ error: { param: string } }>(dave, 'PATCH', '/account', { plan: 'enterprise' })).json.error.param).toBe('plan');
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const before = await keysTableSnapshot(t.gw);
    for (const [path, body, param] of [
      ['/keys', { label: 5 }, 'label'],
      ['/keys', { lable: 'typo' }, 'lable'],
      ['/keys', { expires_at: 'tomorrow' }, 'expires_at'],
      ['/members', { email: 'not-an-address' }, 'email'],
      ['/members', { email: 'x@example.com', role: 'admin' }, 'role'],
    ] as const) {
      const r = await call<{ error: { param: string } }>(alice, 'POST', path, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.param).toBe(param);
    }
    expect(await keysTableSnapshot(t.gw)).toEqual(before);
  });
});
