// The most recent requests from the usage records, newest first, filterable and paginated; a row opens its detail.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api';
import { FormError, html, usd } from '../html';
import type { ActivityRecord } from '../types';

const PAGE = 25;

export function Activity({ api }: { api: Api }) {
  const [rows, setRows] = useState<ActivityRecord[] | null>(null);
  const [total, setTotal] = useState(0);
  const [offset, setOffset] = useState(0);
  const [filters, setFilters] = useState({ key: '', model: '', status: '' });
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const load = (at: number) => {
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(at) });
    for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
    api.get<{ data: ActivityRecord[]; total: number }>(`/activity?${q}`).then((r) => (setRows(r.data), setTotal(r.total), setOffset(at), setError(null)), setError);
  };
  useEffect(() => load(0), []);
  const filter = (name: keyof typeof filters, label: string) =>
    html`<label for=${`f-${name}`}>${label}</label><input id=${`f-${name}`} value=${filters[name]} onInput=${(e: Event) => setFilters({ ...filters, [name]: (e.target as HTMLInputElement).value.trim() })} />`;
  return html`<section aria-labelledby="activity"><h2 id="activity">Recent requests</h2>
    <form onSubmit=${(e: Event) => (e.preventDefault(), load(0))}>${filter('key', 'Key id')} ${filter('model', 'Model')} ${filter('status', 'Status (ok, upstream_error, …)')}<button type="submit">Filter</button></form>
    <${FormError} error=${error} />
    ${rows === null ? html`<p class="progress" role="status">Loading…</p>` : html`<table>
      <thead><tr><th>Time</th><th>Key</th><th>Endpoint</th><th>Model</th><th>Routing</th><th>Tokens</th><th>Cost</th><th>Latency</th><th>Status</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr>
        <td><button class="secondary" aria-expanded=${open === r.requestId} onClick=${() => setOpen(open === r.requestId ? null : r.requestId)}>${r.startedAt.slice(0, 19).replace('T', ' ')}</button></td>
        <td><code>${r.keyId}</code></td><td>${r.dialect}</td><td>${r.requestedModel} → ${r.modelUsed ?? '–'}</td><td>${r.routingMode}${r.routingReason ? `: ${r.routingReason}` : ''}${r.fallbacks ? `, ${r.fallbacks} fallback(s)` : ''}</td>
        <td>${r.promptTokens} / ${r.completionTokens}${r.cacheReadTokens ? ` (${r.cacheReadTokens} cached)` : ''}</td><td>${usd(r.costUsd)}</td>
        <td>${r.latencyMs} ms${r.ttftMs !== null ? ` (TTFT ${r.ttftMs} ms)` : ''}</td><td>${r.status}</td></tr>
        ${open === r.requestId ? html`<tr><td colspan="9"><dl class="detail" aria-label=${`Request ${r.requestId}`}>${Object.entries(r).map(([k, v]) => html`<dt>${k}</dt><dd>${v === null || v === undefined ? '–' : String(v)}</dd>`)}</dl></td></tr>` : null}`)}</tbody>
    </table>
    <p class="note">${total ? `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total}` : 'No requests yet.'}</p>
    <button class="secondary" disabled=${offset === 0} onClick=${() => load(Math.max(0, offset - PAGE))}>Newer</button>
    <button class="secondary" disabled=${offset + PAGE >= total} onClick=${() => load(offset + PAGE)}>Older</button>`}
  </section>`;
}
