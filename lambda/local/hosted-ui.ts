// The local stand-in for what cognito-local lacks: a user pool domain's OAuth endpoints (Cognito's managed
// login) with federated identity providers behind them. In AWS, /oauth2/authorize?identity_provider=X
// sends the browser to the organisation's OIDC or SAML sign-in and back to the app's callback URL with a
// one-time code, which /oauth2/token exchanges for the pool's tokens. Here the "organisation's sign-in" is
// a one-field page on this server that asks which address to sign in as, and the tokens are cognito-local's
// own, so the dashboard API verifies them exactly as it verifies any other sign-in.
// As strict as Cognito where the page relies on it: the client and callback URL must be registered, the
// provider must exist, codes are single-use, live five minutes and are bound to the PKCE verifier (S256)
// and to the redirect URI they were issued for.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Tokens {
  IdToken: string;
  AccessToken: string;
  RefreshToken?: string;
}

export interface HostedUiOptions {
  clientId: string;
  /** The identity providers' names, as the user pool would know them. */
  providers: readonly string[];
  /** The app client's callback URLs (read per request: the dashboard's own URL is known only once it listens). */
  callbackUrls(): readonly string[];
  /** The pool's tokens for the person the provider vouched for (created on first sign-in, as Cognito does). */
  signIn(provider: string, email: string): Promise<Tokens>;
  now?: () => number;
}

interface Grant {
  tokens: Tokens;
  challenge: string;
  redirectUri: string;
  expires: number;
}

const CODE_LIFETIME_MS = 5 * 60_000;
const AUTHORIZE = ['response_type', 'client_id', 'redirect_uri', 'identity_provider', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pkce = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** Answers the domain's /oauth2/* paths; false for any other path (cognito-local's API answers those). */
export function hostedUi(options: HostedUiOptions): (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean> {
  const grants = new Map<string, Grant>();
  const now = options.now ?? Date.now;

  const page = (res: ServerResponse, status: number, inner: string) => {
    // The form posts here and is redirected on to the callback: form-action covers both (browsers apply it to redirects).
    const targets = [...new Set(options.callbackUrls().map((u) => new URL(u).origin))].join(' ');
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': `default-src 'none'; form-action 'self' ${targets}; frame-ancestors 'none'` });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title><meta name="viewport" content="width=device-width"></head><body>${inner}</body></html>`);
  };
  const back = (res: ServerResponse, redirectUri: string, params: Record<string, string>) => {
    res.writeHead(302, { location: `${redirectUri}?${new URLSearchParams(params)}`, 'cache-control': 'no-store' });
    res.end();
  };
  const json = (req: IncomingMessage, res: ServerResponse, status: number, body: object) => {
    const origin = req.headers.origin;
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...(origin ? { 'access-control-allow-origin': origin, vary: 'origin' } : {}) });
    res.end(JSON.stringify(body));
  };

  /** What is wrong with an authorize request, in words; undefined when it may proceed. */
  const refuse = (q: URLSearchParams): string | undefined => {
    if (q.get('client_id') !== options.clientId) return 'unknown client_id';
    if (!options.callbackUrls().includes(q.get('redirect_uri') ?? '')) return 'redirect_uri is not one of the app client\'s callback URLs';
    if (q.get('response_type') !== 'code') return 'response_type must be code';
    if (!options.providers.includes(q.get('identity_provider') ?? '')) return 'identity_provider names no provider of this pool';
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return 'a PKCE code_challenge (S256) is required';
    return undefined;
  };

  return async (req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/oauth2/authorize' && req.method === 'GET') {
      const problem = refuse(url.searchParams);
      if (problem) return page(res, 400, `<p>Invalid request: ${escape(problem)}.</p>`), true;
      const hidden = AUTHORIZE.map((k) => `<input type="hidden" name="${k}" value="${escape(url.searchParams.get(k) ?? '')}">`).join('');
      const provider = escape(url.searchParams.get('identity_provider')!);
      page(
        res,
        200,
        `<main><h1>${provider}</h1><p>Local stand-in for your organisation's sign-in: in AWS this is your identity provider's own page.</p>
        <form method="post" action="/oauth2/authorize">${hidden}<label for="email">Sign in as (e-mail)</label> <input id="email" name="email" type="email" required>
        <button type="submit" name="decision" value="allow">Continue</button> <button type="submit" name="decision" value="deny" formnovalidate>Cancel</button></form></main>`,
      );
      return true;
    }
    if (url.pathname === '/oauth2/authorize' && req.method === 'POST') {
      const form = new URLSearchParams(body.toString('utf8'));
      const problem = refuse(form);
      if (problem) return page(res, 400, `<p>Invalid request: ${escape(problem)}.</p>`), true;
      const redirectUri = form.get('redirect_uri')!;
      const state = form.get('state') ?? '';
      if (form.get('decision') !== 'allow') return back(res, redirectUri, { error: 'access_denied', error_description: 'the sign-in was cancelled', state }), true;
      const email = (form.get('email') ?? '').trim().toLowerCase();
      if (!EMAIL.test(email)) return page(res, 400, '<p>Enter an e-mail address.</p>'), true;
      try {
        const tokens = await options.signIn(form.get('identity_provider')!, email);
        const code = randomBytes(24).toString('base64url');
        grants.set(code, { tokens, challenge: form.get('code_challenge')!, redirectUri, expires: now() + CODE_LIFETIME_MS });
        back(res, redirectUri, { code, state });
      } catch (err) {
        page(res, 400, `<p>${escape(err instanceof Error ? err.message : String(err))}</p>`);
      }
      return true;
    }
    if (url.pathname === '/oauth2/token' && req.method === 'POST') {
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('grant_type') !== 'authorization_code') return json(req, res, 400, { error: 'unsupported_grant_type' }), true;
      if (form.get('client_id') !== options.clientId) return json(req, res, 400, { error: 'invalid_client' }), true;
      const code = form.get('code') ?? '';
      const grant = grants.get(code);
      // Single use, whatever the outcome: a code that was tried is gone.
      grants.delete(code);
      const verifier = form.get('code_verifier') ?? '';
      if (!grant || grant.expires < now() || grant.redirectUri !== form.get('redirect_uri') || pkce(verifier) !== grant.challenge) return json(req, res, 400, { error: 'invalid_grant' }), true;
      json(req, res, 200, {
        id_token: grant.tokens.IdToken,
        access_token: grant.tokens.AccessToken,
        ...(grant.tokens.RefreshToken ? { refresh_token: grant.tokens.RefreshToken } : {}),
        token_type: 'Bearer',
        expires_in: 3600,
      });
      return true;
    }
    return false;
  };
}
