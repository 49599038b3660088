// The overview: plan and limits, keys against the quota, this month's spend, the base URL, quickstart.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api';
import { FieldError, FormError, html, PeriodSelect, usd, when } from '../html';
import { snippets } from '../snippets';
import type { BudgetEvent, BudgetPeriod, KeyView, Me } from '../types';
import { Secret } from './secret';

const LIMIT_NAMES: Record<string, string> = {
  requests_per_minute: 'Requests per minute',
  tokens_per_minute: 'Tokens per minute',
  tokens_per_month: 'Tokens per month',
  concurrent_requests: 'Concurrent requests',
  max_tokens_per_request: 'Max tokens per request',
};

/** The account's budget (owners set it) and the budget events: 50, 80 and 100% of a budget reached. */
function Budgets({ api, me, onChanged }: { api: Api; me: Me; onChanged: () => void }) {
  const [events, setEvents] = useState<BudgetEvent[]>([]);
  const [amount, setAmount] = useState(me.account.budget ? String(me.account.budget.limit_usd) : '');
  const [period, setPeriod] = useState<BudgetPeriod>(me.account.budget?.period ?? 'month');
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => void api.get<{ data: BudgetEvent[] }>('/events').then((r) => setEvents(r.data), setError), []);
  const save = (budget: unknown) => async (e: Event) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await api.send('PATCH', '/account', { budget });
      setSaved(true);
      onChanged();
    } catch (err) {
      setError(err as Error);
    }
  };
  const owner = me.user.role === 'owner';
  return html`<section aria-labelledby="budgets"><h2 id="budgets">Budget</h2>
    ${owner ? html`<form onSubmit=${save({ limit_usd: Number(amount), period })}>
      <label for="account-budget">Account budget in USD (all keys together)</label>
      <input id="account-budget" inputmode="decimal" value=${amount} onInput=${(e: Event) => setAmount((e.target as HTMLInputElement).value)} aria-describedby="budget-error" />
      <label for="account-period">Period</label>
      <${PeriodSelect} id="account-period" value=${period} onChange=${setPeriod} />
      <${FieldError} error=${error} field="budget" />
      <button type="submit">Save budget</button>
      ${me.account.budget ? html`<button type="button" class="secondary" onClick=${save(null)}>Remove budget</button>` : null}
      ${saved ? html`<span role="status">Saved.</span>` : null}
    </form>` : html`<p class="note">${me.account.budget ? `${usd(me.account.budget.limit_usd)} per ${me.account.budget.period}, set by the account's owners.` : 'No account budget.'}</p>`}
    <${FormError} error=${error} fields=${['budget']} />
    <h3>Budget alerts</h3>
    ${events.length ? html`<table><thead><tr><th>When</th><th>Budget</th><th>Reached</th><th>Period</th><th>Spent</th></tr></thead><tbody>
      ${events.map((e) => html`<tr><td>${when(e.created_at)}</td><td>${e.scope === 'key' ? `key ${e.key_id}` : 'account'}: ${usd(e.budget.limit_usd)} per ${e.budget.period}</td><td>${e.threshold_percent}%</td><td>${e.period}</td><td>${usd(e.settled_usd)}</td></tr>`)}
    </tbody></table>` : html`<p class="note">No budget has reached 50% of its limit.</p>`}
  </section>`;
}

export function Overview({ api, me, firstKey, onChanged }: { api: Api; me: Me; firstKey?: KeyView | null; onChanged: () => void }) {
  const a = me.account;
  const month = a.limits.tokens_per_month;
  return html`<div>
    ${firstKey?.secret ? html`<section aria-labelledby="first-key"><h2 id="first-key">Your first API key</h2><${Secret} secret=${firstKey.secret} baseUrl=${me.gateway_base_url} /></section>` : null}
    <section aria-labelledby="plan">
      <h2 id="plan">${a.name}: ${a.plan} plan</h2>
      <div class="grid">
        <div class="stat">Keys<b>${a.active_keys} of ${a.key_quota ?? 'unlimited'}</b></div>
        <div class="stat">Spend this month<b>${usd(me.spend_this_month_usd)}</b></div>
        <div class="stat">Tokens this month<b>${me.tokens_this_month.toLocaleString('en-US')}${month ? ` of ${month.toLocaleString('en-US')}` : ''}</b></div>
        ${a.budget ? html`<div class="stat">Account budget<b>${usd(me.budget_spent_usd ?? 0)} of ${usd(a.budget.limit_usd)} ${a.budget.period === 'total' ? 'in total' : `this ${a.budget.period}`}</b></div>` : null}
        <div class="stat">Models<b>${a.allowed_models ? a.allowed_models.join(', ') : 'all'}</b></div>
      </div>
      <table><caption class="note">Limits of each key</caption><tbody>
        ${Object.entries(LIMIT_NAMES).map(([k, label]) => html`<tr><th scope="row">${label}</th><td>${a.limits[k] === null ? 'unlimited' : a.limits[k]?.toLocaleString('en-US')}</td></tr>`)}
      </tbody></table>
    </section>
    <${Budgets} api=${api} me=${me} onChanged=${onChanged} />
    <section aria-labelledby="quickstart">
      <h2 id="quickstart">Quickstart</h2>
      <p>Base URL: <code>${me.gateway_base_url}</code></p>
      ${snippets(me.gateway_base_url, 'YOUR_KEY').map((s) => html`<h3>${s.name}</h3><pre>${s.code}</pre>`)}
    </section>
  </div>`;
}
