// Keys: create (label, expiry, IP allowlist where the plan offers it), the secret shown once, the list, and
// per key: rename, rotate with a grace period, revoke after a confirmation.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Api } from '../api';
import { FieldError, FormError, html, PeriodSelect, usd, when } from '../html';
import type { BudgetPeriod, KeyView, Me } from '../types';
import { EditKey } from './edit-key';
import { Secret } from './secret';

const GRACE = [
  ['0', 'at once'],
  ['3600', '1 hour'],
  ['86400', '24 hours'],
] as const;

export function Keys({ api, me }: { api: Api; me: Me }) {
  const [keys, setKeys] = useState<KeyView[] | null>(null);
  const [label, setLabel] = useState('');
  const [expiry, setExpiry] = useState('');
  const [allow, setAllow] = useState('');
  const [models, setModels] = useState('');
  const [budgetUsd, setBudgetUsd] = useState('');
  const [period, setPeriod] = useState<BudgetPeriod>('month');
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [grace, setGrace] = useState('3600');

  const load = () => api.get<{ data: KeyView[] }>('/keys').then((r) => setKeys(r.data), setError);
  useEffect(() => void load(), []);

  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await action();
      await load();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const create = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      const body: Record<string, unknown> = { label: label.trim() || undefined };
      if (expiry) body.expires_at = Math.floor(Date.parse(`${expiry}T23:59:59Z`) / 1000);
      const cidrs = allow.split(/[\s,]+/).filter(Boolean);
      if (cidrs.length) body.ip_allowlist = cidrs;
      const allowed = models.split(/[\s,]+/).filter(Boolean);
      if (allowed.length) body.allowed_models = allowed;
      if (budgetUsd.trim()) body.budget = { limit_usd: Number(budgetUsd), period };
      const key = await api.send<KeyView>('POST', '/keys', body);
      setSecret(key.secret ?? null);
      setLabel('');
      setAllow('');
      setExpiry('');
      setModels('');
      setBudgetUsd('');
    });
  };
  const offersAllowlists = me.account.ip_allowlists;
  return html`<div>
    ${secret ? html`<section aria-labelledby="new-key"><h2 id="new-key">New key</h2><${Secret} secret=${secret} baseUrl=${me.gateway_base_url} /><button class="secondary" onClick=${() => setSecret(null)}>Done</button></section>` : null}
    <section aria-labelledby="create">
      <h2 id="create">Create a key</h2>
      <form onSubmit=${create}>
        <label for="label">Label</label>
        <input id="label" value=${label} onInput=${(e: Event) => setLabel((e.target as HTMLInputElement).value)} aria-describedby="label-error" />
        <${FieldError} error=${error} field="label" />
        <label for="expiry">Expires (optional)</label>
        <input id="expiry" type="date" value=${expiry} onInput=${(e: Event) => setExpiry((e.target as HTMLInputElement).value)} aria-describedby="expires_at-error" />
        <${FieldError} error=${error} field="expires_at" />
        <label for="allow">IP allowlist (CIDRs, optional)</label>
        <textarea id="allow" value=${allow} disabled=${!offersAllowlists} onInput=${(e: Event) => setAllow((e.target as HTMLTextAreaElement).value)} aria-describedby="allow-note ip_allowlist-error"></textarea>
        <p class="note" id="allow-note">${offersAllowlists ? 'One address or CIDR per line; empty means any address.' : `IP allowlists are available on the pro and enterprise plans; this account is on the ${me.account.plan} plan.`}</p>
        <${FieldError} error=${error} field="ip_allowlist" />
        <label for="models">Allowed models (optional: ids or patterns such as claude-*)</label>
        <input id="models" value=${models} onInput=${(e: Event) => setModels((e.target as HTMLInputElement).value)} aria-describedby="allowed_models-error" />
        <${FieldError} error=${error} field="allowed_models" />
        <label for="budget">Budget in USD (optional)</label>
        <input id="budget" inputmode="decimal" value=${budgetUsd} onInput=${(e: Event) => setBudgetUsd((e.target as HTMLInputElement).value)} aria-describedby="budget-error" />
        <label for="period">Budget period</label>
        <${PeriodSelect} id="period" value=${period} onChange=${setPeriod} />
        <${FieldError} error=${error} field="budget" />
        <button type="submit" disabled=${busy}>Create key</button>
      </form>
      <${FormError} error=${error} fields=${['label', 'expires_at', 'ip_allowlist', 'allowed_models', 'budget']} />
    </section>
    <section aria-labelledby="list">
      <h2 id="list">Keys</h2>
      ${keys === null ? html`<p class="progress" role="status">Loading keys…</p>` : html`<table>
        <thead><tr><th>Label</th><th>Key</th><th>Created</th><th>Last used</th><th>Expires</th><th>Status</th><th>Allowlist</th><th>Models</th><th>Budget</th><th>Actions</th></tr></thead>
        <tbody>${keys.map((k) => html`<tr data-key=${k.id}>
          <td>${k.label || '–'}</td><td><code>${k.hint}</code></td><td>${when(k.created_at)}</td><td>${when(k.last_used_at)}</td><td>${when(k.expires_at)}</td>
          <td>${k.status}</td><td>${k.ip_allowlist.join(', ') || 'any'}</td><td>${k.allowed_models?.join(', ') ?? 'all'}</td>
          <td>${k.budget ? `${usd(k.budget_spent_usd ?? 0)} of ${usd(k.budget.limit_usd)} ${k.budget.period === 'total' ? 'in total' : `per ${k.budget.period}`}` : '–'}</td>
          <td>${k.status === 'active' ? html`
            <button class="secondary" disabled=${busy} aria-expanded=${editing === k.id} onClick=${() => setEditing(editing === k.id ? null : k.id)}>Edit</button>
            ${k.replaced_by ? null : html`<button class="secondary" disabled=${busy} onClick=${() => void act(async () => { const r = await api.send<{ new_key: KeyView }>('POST', `/keys/${k.id}/rotate`, { grace_period_seconds: Number(grace) }); setSecret(r.new_key.secret ?? null); })}>Rotate</button>`}
            ${confirming === k.id
              ? html`<span role="alert">Revoke ${k.label || k.hint}? Clients using it stop working.</span>
                  <button class="danger" onClick=${() => { setConfirming(null); void act(() => api.send('DELETE', `/keys/${k.id}`)); }}>Yes, revoke</button>
                  <button class="secondary" onClick=${() => setConfirming(null)}>Cancel</button>`
              : html`<button class="danger" disabled=${busy} onClick=${() => setConfirming(k.id)}>Revoke</button>`}` : null}
          </td></tr>
          ${editing === k.id ? html`<tr><td colspan="10"><${EditKey} api=${api} keyView=${k} allowlists=${offersAllowlists} onDone=${(changed: boolean) => (setEditing(null), changed && void load())} /></td></tr>` : null}`)}</tbody>
      </table>
      <label for="grace">Grace period when rotating</label>
      <select id="grace" value=${grace} onChange=${(e: Event) => setGrace((e.target as HTMLSelectElement).value)}>${GRACE.map(([v, t]) => html`<option value=${v}>${t}</option>`)}</select>`}
    </section>
  </div>`;
}
