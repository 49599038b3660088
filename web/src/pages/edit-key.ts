// Changing a key in place: label, expiry, IP allowlist (where the plan offers it), allowed models, budget.
// Only what changed is sent; a field cleared removes the setting.
import { useState } from 'preact/hooks';
import type { Api } from '../api';
import { FieldError, FormError, html, PeriodSelect } from '../html';
import type { BudgetPeriod, KeyView } from '../types';

const day = (seconds: number | null) => (seconds ? new Date(seconds * 1000).toISOString().slice(0, 10) : '');

export function EditKey({ api, keyView, allowlists, onDone }: { api: Api; keyView: KeyView; allowlists: boolean; onDone: (changed: boolean) => void }) {
  const k = keyView;
  const [label, setLabel] = useState(k.label);
  const [expiry, setExpiry] = useState(day(k.expires_at));
  const [allow, setAllow] = useState(k.ip_allowlist.join('\n'));
  const [models, setModels] = useState(k.allowed_models?.join(', ') ?? '');
  const [budget, setBudget] = useState(k.budget ? String(k.budget.limit_usd) : '');
  const [period, setPeriod] = useState<BudgetPeriod>(k.budget?.period ?? 'month');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const id = (name: string) => `edit-${k.id}-${name}`;
  const save = async (e: Event) => {
    e.preventDefault();
    const patch: Record<string, unknown> = {};
    if (label.trim() !== k.label) patch.label = label.trim();
    if (expiry !== day(k.expires_at)) patch.expires_at = expiry ? Math.floor(Date.parse(`${expiry}T23:59:59Z`) / 1000) : null;
    const cidrs = allow.split(/[\s,]+/).filter(Boolean);
    if (cidrs.join(',') !== k.ip_allowlist.join(',')) patch.ip_allowlist = cidrs.length ? cidrs : null;
    const allowed = models.split(/[\s,]+/).filter(Boolean);
    if (allowed.join(',') !== (k.allowed_models ?? []).join(',')) patch.allowed_models = allowed.length ? allowed : null;
    const wanted = budget.trim() ? { limit_usd: Number(budget), period } : null;
    if (JSON.stringify(wanted) !== JSON.stringify(k.budget)) patch.budget = wanted;
    if (!Object.keys(patch).length) return onDone(false);
    setBusy(true);
    setError(null);
    try {
      await api.send('PATCH', `/keys/${k.id}`, patch);
      onDone(true);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const text = (name: string, label: string, value: string, set: (v: string) => void, field: string, type = 'text') =>
    html`<label for=${id(name)}>${label}</label><input id=${id(name)} type=${type} value=${value} onInput=${(e: Event) => set((e.target as HTMLInputElement).value)} /><${FieldError} error=${error} field=${field} />`;
  return html`<form onSubmit=${save} aria-label=${`Edit ${k.label || k.hint}`}>
    ${text('label', 'Label', label, setLabel, 'label')}
    ${text('expiry', 'Expires (empty: never)', expiry, setExpiry, 'expires_at', 'date')}
    <label for=${id('allow')}>IP allowlist</label>
    <textarea id=${id('allow')} value=${allow} disabled=${!allowlists && !k.ip_allowlist.length} onInput=${(e: Event) => setAllow((e.target as HTMLTextAreaElement).value)}></textarea>
    ${allowlists ? null : html`<p class="note">IP allowlists are available on the pro and enterprise plans.</p>`}
    <${FieldError} error=${error} field="ip_allowlist" />
    ${text('models', 'Allowed models (empty: all)', models, setModels, 'allowed_models')}
    ${text('budget', 'Budget in USD (empty: none)', budget, setBudget, 'budget')}
    <label for=${id('period')}>Budget period</label>
    <${PeriodSelect} id=${id('period')} value=${period} onChange=${setPeriod} />
    <button type="submit" disabled=${busy}>Save</button>
    <button type="button" class="secondary" onClick=${() => onDone(false)}>Cancel</button>
    <${FormError} error=${error} fields=${['label', 'expires_at', 'ip_allowlist', 'allowed_models', 'budget']} />
  </form>`;
}
