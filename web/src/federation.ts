// Enterprise single sign-on: the OAuth 2.0 authorization-code flow with PKCE against the user pool's domain
// (Cognito's managed login), which hands the browser to the chosen identity provider (OIDC or SAML) and
// back to this page with a one-time code. The page is a public client (no secret), so PKCE binds the code
// to this tab, and `state` binds the answer to the request this tab made.
import { remember, type Session } from './cognito';
import type { Config } from './config';

const PENDING = 'op.federation';

interface Pending {
  state: string;
  verifier: string;
  provider: string;
}

const base64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n: number): string => base64url(crypto.getRandomValues(new Uint8Array(n)));
/** Where the identity provider sends the browser back: this page, as the app client's callback URL names it. */
const redirectUri = (): string => `${location.origin}/`;

/** Leaves for the provider's sign-in; the page loads again at `redirectUri` with `?code=` or `?error=`. */
export async function startFederatedSignIn(config: Config, provider: string): Promise<void> {
  const federation = config.federation;
  if (!federation) throw new Error('Single sign-on is not set up for this dashboard.');
  const pending: Pending = { state: random(24), verifier: random(48), provider };
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pending.verifier))));
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    identity_provider: provider,
    scope: 'openid email profile',
    state: pending.state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(`${federation.domain.replace(/\/$/, '')}/oauth2/authorize?${query}`);
}

/** The ID token's claims, read for display only: the dashboard API verifies the token itself. */
function claims(idToken: string): { email?: string } {
  try {
    return JSON.parse(atob(idToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { email?: string };
  } catch {
    return {};
  }
}

/**
 * On the way back from the provider: exchanges the code for tokens, or says why it cannot. Undefined when
 * this load is not such a return. The code and state leave the address bar either way.
 */
export async function finishFederatedSignIn(config: Config): Promise<Session | undefined> {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return undefined;
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  const pending = raw ? (JSON.parse(raw) as Pending) : undefined;
  if (!pending || params.get('state') !== pending.state) throw new Error('This sign-in was not started from this tab, so it was not completed. Start it again.');
  if (params.has('error')) throw new Error(`${pending.provider} did not sign you in: ${params.get('error_description') ?? params.get('error')}.`);
  const res = await fetch(`${config.federation!.domain.replace(/\/$/, '')}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code: params.get('code')!, redirect_uri: redirectUri(), code_verifier: pending.verifier }),
  });
  const tokens = (await res.json().catch(() => ({}))) as { id_token?: string; access_token?: string; refresh_token?: string; error?: string };
  if (!res.ok || !tokens.id_token || !tokens.access_token) throw new Error(`The sign-in through ${pending.provider} could not be completed (${tokens.error ?? res.status}). Start it again.`);
  return remember({
    idToken: tokens.id_token,
    accessToken: tokens.access_token,
    email: claims(tokens.id_token).email ?? '',
    federated: pending.provider,
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
  });
}
