// The overview: plan and limits, keys against the quota, this month's spend, the base URL, quickstart.
import { html, usd } from '../html';
import { snippets } from '../snippets';
import type { KeyView, Me } from '../types';
import { Secret } from './secret';

const LIMIT_NAMES: Record<string, string> = {
  requests_per_minute: 'Requests per minute',
  tokens_per_minute: 'Tokens per minute',
  tokens_per_month: 'Tokens per month',
  concurrent_requests: 'Concurrent requests',
  max_tokens_per_request: 'Max tokens per request',
};

export function Overview({ me, firstKey }: { me: Me; firstKey?: KeyView | null }) {
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
    <section aria-labelledby="quickstart">
      <h2 id="quickstart">Quickstart</h2>
      <p>Base URL: <code>${me.gateway_base_url}</code></p>
      ${snippets(me.gateway_base_url, 'YOUR_KEY').map((s) => html`<h3>${s.name}</h3><pre>${s.code}</pre>`)}
    </section>
  </div>`;
}
