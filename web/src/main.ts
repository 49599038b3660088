// The dashboard: signed out, the sign-up and sign-in page; signed in, the account's pages by hash route.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api as dashboardApi } from './api';
import { savedSession, signOut, type Session } from './cognito';
import { loadConfig, type Config } from './config';
import { finishFederatedSignIn } from './federation';
import { html } from './html';
import { Activity } from './pages/activity';
import { AuthPage } from './pages/auth';
import { Keys } from './pages/keys';
import { MembersPage } from './pages/members';
import { Models } from './pages/models';
import { Overview } from './pages/overview';
import { Playground } from './pages/playground';
import { Security } from './pages/security';
import { Usage } from './pages/usage';
import type { KeyView, Me } from './types';

const PAGES = [
  ['overview', 'Overview'],
  ['keys', 'Keys'],
  ['usage', 'Usage'],
  ['activity', 'Activity'],
  ['models', 'Models'],
  ['playground', 'Playground'],
  ['members', 'Members'],
  ['security', 'Security'],
] as const;
type Page = (typeof PAGES)[number][0];

const pageOf = (): Page => {
  const name = location.hash.replace(/^#\/?/, '');
  return (PAGES.find(([p]) => p === name)?.[0] ?? 'overview') as Page;
};

function App({ config, returned, signInError }: { config: Config; returned?: Session; signInError?: string }) {
  const [session, setSession] = useState<Session | undefined>(returned ?? savedSession());
  const [me, setMe] = useState<Me | null>(null);
  const [firstKey, setFirstKey] = useState<KeyView | null>(null);
  const [page, setPage] = useState<Page>(pageOf());
  const [error, setError] = useState<string | null>(null);
  const [models, setModels] = useState<string[]>([]);
  useEffect(() => {
    const onHash = () => setPage(pageOf());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const out = () => (signOut(), setSession(undefined), setMe(null));
  const api = useMemo(() => (session ? dashboardApi(config, session, out) : undefined), [session]);
  useEffect(() => {
    if (!api) return;
    // The first sign-in creates the account (or joins an invitation); later ones just read it.
    api.send<Me>('POST', '/onboard').then((m) => (setMe(m), m.first_key && setFirstKey(m.first_key)), (err: Error) => setError(err.message));
  }, [api]);
  useEffect(() => {
    document.title = `${PAGES.find(([p]) => p === page)?.[1] ?? ''} · OriginalPoint`;
  }, [page]);

  if (!session) return html`<${AuthPage} config=${config} onSignedIn=${setSession} initialError=${signInError} />`;
  if (!me || !api) return html`<main><p class="progress" role="status">${error ?? 'Opening your account…'}</p></main>`;
  const visible = PAGES.filter(([p]) => p !== 'members' || me.user.role === 'owner');
  const current = visible.some(([p]) => p === page) ? page : 'overview';
  const body = {
    overview: () => html`<${Overview} api=${api} me=${me} firstKey=${firstKey} onChanged=${() => void api.get<Me>('/me').then(setMe)} />`,
    keys: () => html`<${Keys} api=${api} me=${me} />`,
    usage: () => html`<${Usage} api=${api} />`,
    activity: () => html`<${Activity} api=${api} />`,
    models: () => html`<${Models} api=${api} onModels=${setModels} />`,
    playground: () => html`<${Playground} baseUrl=${me.gateway_base_url} models=${models} />`,
    members: () => html`<${MembersPage} api=${api} />`,
    security: () => html`<${Security} config=${config} session=${session} />`,
  }[current]();
  return html`<div>
    <header><strong>OriginalPoint</strong>
      <nav aria-label="Dashboard">${visible.map(([p, label]) => html`<a href=${`#/${p}`} aria-current=${p === current ? 'page' : undefined}>${label}</a>`)}</nav>
      <div class="who"><span class="note">${me.user.email} (${me.user.role})</span>
      <button class="secondary" onClick=${out}>Sign out</button></div>
    </header>
    <main><h1>${PAGES.find(([p]) => p === current)?.[1]}</h1>${body}</main>
  </div>`;
}

loadConfig().then(
  async (config) => {
    // Back from an identity provider: the code becomes a session before the first render.
    const returned = await finishFederatedSignIn(config).then(
      (session) => ({ session }),
      (err: Error) => ({ error: err.message }),
    );
    const root = document.getElementById('app')!;
    // The "Loading…" placeholder goes; Preact renders into an empty root.
    root.textContent = '';
    render(html`<${App} config=${config} returned=${'session' in returned ? returned.session : undefined} signInError=${'error' in returned ? returned.error : undefined} />`, root);
  },
  (err: Error) => {
    document.getElementById('app')!.textContent = err.message;
  },
);
