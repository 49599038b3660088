// The catalog: context, prices, tier, capabilities and routes of every model.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api';
import { FormError, html } from '../html';
import type { ModelView } from '../types';

export function Models({ api, onModels }: { api: Api; onModels?: (ids: string[]) => void }) {
  const [models, setModels] = useState<ModelView[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    api.get<{ data: ModelView[] }>('/models').then((r) => (setModels(r.data), onModels?.(r.data.map((m) => m.id))), setError);
  }, []);
  return html`<section aria-labelledby="models"><h2 id="models">Models</h2><${FormError} error=${error} />
    ${models === null ? html`<p class="progress" role="status">Loading…</p>` : html`<table>
      <thead><tr><th>ModelView</th><th>Tier</th><th>Context</th><th>$ in / cached / out per 1M</th><th>Capabilities</th><th>Routes</th></tr></thead>
      <tbody>${models.map((m) => html`<tr><td>${m.id}${m.status === 'deprecated' ? ' (deprecated)' : ''}</td><td>${m.tier}</td><td>${m.context_window.toLocaleString('en-US')}</td>
        <td>${m.pricing.input_per_1m} / ${m.pricing.cached_input_per_1m} / ${m.pricing.output_per_1m}</td>
        <td>${Object.entries(m.capabilities).filter(([, v]) => v).map(([k]) => k).join(', ')}</td><td>${m.providers.join(', ')}</td></tr>`)}</tbody>
    </table>`}
  </section>`;
}
