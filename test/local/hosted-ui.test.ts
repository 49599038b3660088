// The local stand-in for a user pool domain's federated sign-in, over HTTP against cognito-local: it is as
// strict as Cognito where the dashboard relies on it (registered client and callback, a known provider,
// PKCE, single-use codes), and the tokens it hands out verify as the pool's own.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cognitoVerifier } from '../../lambda/handlers/dashboard';
import { startCognitoLocal, type LocalCognito } from '../../lambda/local/cognito';

const CALLBACK = 'http://127.0.0.1:9/';
let cognito: LocalCognito;

beforeAll(async () => {
  cognito = await startCognitoLocal({ dir: await mkdtemp(join(tmpdir(), 'op-hosted-ui-')), federation: { providers: ['ExampleSSO'], callbackUrls: () => [CALLBACK] } });
}, 30_000);
afterAll(async () => {
  await cognito?.close();
});

function authorize(overrides: Record<string, string> = {}, verifier = randomBytes(32).toString('base64url')) {
  const params = {
    response_type: 'code',
    client_id: cognito.clientId,
    redirect_uri: CALLBACK,
    identity_provider: 'ExampleSSO',
    scope: 'openid email profile',
    state: 'state-1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...overrides,
  };
  return { params, verifier };
}

/** The provider's page submitted for `email`: the redirect back to the callback. */
async function signInAs(email: string, params: Record<string, string>, decision = 'allow'): Promise<URL> {
  const res = await fetch(`${cognito.federation!.domain}/oauth2/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...params, email, decision }),
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

const exchange = (code: string, verifier: string, redirectUri = CALLBACK) =>
  fetch(`${cognito.federation!.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:9' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: cognito.clientId, code, redirect_uri: redirectUri, code_verifier: verifier }),
  });

describe('the local federated sign-in', () => {
  it('shows the provider page for a valid request and refuses what Cognito refuses', async () => {
    const { params } = authorize();
    const ok = await fetch(`${cognito.federation!.domain}/oauth2/authorize?${new URLSearchParams(params)}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('ExampleSSO');
    for (const [field, value, words] of [
      ['redirect_uri', 'https://evil.example/', 'callback'],
      ['client_id', 'someone-else', 'client_id'],
      ['identity_provider', 'Unknown', 'identity_provider'],
      ['code_challenge_method', 'plain', 'PKCE'],
    ] as const) {
      const bad = await fetch(`${cognito.federation!.domain}/oauth2/authorize?${new URLSearchParams({ ...params, [field]: value })}`);
      expect(bad.status, field).toBe(400);
      expect(await bad.text()).toContain(words);
    }
  });

  it('returns a single-use code bound to the PKCE verifier, for tokens that verify as the pool\'s own', async () => {
    const { params, verifier } = authorize();
    const back = await signInAs('Grace@Acme.example', params);
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
    expect(back.searchParams.get('state')).toBe('state-1');
    const code = back.searchParams.get('code')!;

    const wrong = await exchange(code, 'not-the-verifier');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_grant' });
    // The failed attempt used the code up.
    expect((await exchange(code, verifier)).status).toBe(400);

    const again = authorize();
    const fresh = (await signInAs('grace@acme.example', again.params)).searchParams.get('code')!;
    const res = await exchange(fresh, again.verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:9');
    const tokens = (await res.json()) as { id_token: string; access_token: string; token_type: string };
    expect(tokens.token_type).toBe('Bearer');
    const verify = cognitoVerifier({ issuer: cognito.issuer, jwksUri: cognito.jwksUri, clientId: cognito.clientId, cognitoEndpoint: cognito.endpoint, gatewayBaseUrl: '', federatedProviders: [] });
    const user = await verify(tokens.id_token);
    expect(user.email).toBe('grace@acme.example');
    // The same person signing in again is the same user.
    const third = authorize();
    const code3 = (await signInAs('grace@acme.example', third.params)).searchParams.get('code')!;
    const again3 = (await (await exchange(code3, third.verifier)).json()) as { id_token: string };
    expect((await verify(again3.id_token)).sub).toBe(user.sub);
    expect((await exchange(code3, third.verifier)).status).toBe(400);
  });

  it('sends a cancelled sign-in back with access_denied, and never takes over a password user', async () => {
    const { params } = authorize();
    const cancelled = await signInAs('', params, 'deny');
    expect(cancelled.searchParams.get('error')).toBe('access_denied');
    expect(cancelled.searchParams.get('state')).toBe('state-1');

    await cognito.ensureUser('owner@acme.example', 'Correct-Horse-42-Battery');
    const res = await fetch(`${cognito.federation!.domain}/oauth2/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, email: 'owner@acme.example', decision: 'allow' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('already signs in with a password');
  });
});
