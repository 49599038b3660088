// Usage over a chosen range from the daily aggregates: requests, tokens or cost per day, stacked by model or
// by key (chart), per day, model and key (tables), totals, and a CSV export.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { Api } from '../api';
import { FieldError, FormError, html, usd } from '../html';
import type { UsageReport, UsageRowView } from '../types';

type Row = UsageRowView;
type Report = UsageReport;

type Metric = 'cost_usd' | 'requests' | 'total_tokens';
type Stack = 'model' | 'key_id';
const METRICS: ReadonlyArray<[Metric, string]> = [['cost_usd', 'Cost'], ['requests', 'Requests'], ['total_tokens', 'Tokens']];
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 1e8, 1e9];
const axisValue = (metric: Metric, v: number) => (metric === 'cost_usd' ? `$${v.toFixed(v < 0.01 ? 6 : 2)}` : String(Math.round(v)));

const COLORS = ['#1f5fd1', '#b42318', '#17803d', '#a15c00', '#6b3fa0', '#0e7490', '#9d174d', '#4d7c0f'];
const today = () => new Date().toISOString().slice(0, 10);
const monthStart = () => `${today().slice(0, 7)}-01`;

function csv(rows: Row[], key: 'day' | 'model' | 'key_id'): string {
  const lines = [[key, 'requests', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'cost_usd'].join(',')];
  for (const r of rows) lines.push([r[key] ?? '', r.requests, r.prompt_tokens, r.completion_tokens, r.total_tokens, r.cost_usd].join(','));
  return `${lines.join('\n')}\n`;
}

export function Usage({ api }: { api: Api }) {
  const [from, setFrom] = useState(monthStart());
  const [to, setTo] = useState(today());
  const [byDay, setByDay] = useState<Report | null>(null);
  const [byModel, setByModel] = useState<Report | null>(null);
  const [byKey, setByKey] = useState<Report | null>(null);
  const [byDayModel, setByDayModel] = useState<Report | null>(null);
  const [byDayKey, setByDayKey] = useState<Report | null>(null);
  const [metric, setMetric] = useState<Metric>('cost_usd');
  const [stack, setStack] = useState<Stack>('model');
  const [error, setError] = useState<Error | null>(null);
  const chart = useRef<HTMLDivElement>(null);

  const load = async () => {
    setError(null);
    try {
      const q = `from=${from}&to=${to}`;
      const [d, m, k, dm, dk] = await Promise.all(['day', 'model', 'key', 'day_model', 'day_key'].map((g) => api.get<Report>(`/usage?${q}&group_by=${g}`)));
      setByDay(d!);
      setByModel(m!);
      setByKey(k!);
      setByDayModel(dm!);
      setByDayKey(dk!);
    } catch (err) {
      setError(err as Error);
    }
  };
  useEffect(() => void load(), []);
  useEffect(() => {
    const source = stack === 'model' ? byDayModel : byDayKey;
    if (!source || !chart.current) return;
    chart.current.textContent = '';
    // Every day of the range, zero where nothing ran (and at least two, so the time axis spans days).
    const start = Date.parse(`${from}T00:00:00Z`);
    const end = Math.max(Date.parse(`${to}T00:00:00Z`), start + 86_400_000);
    const days: string[] = [];
    for (let d = start; d <= end && days.length < 400; d += 86_400_000) days.push(new Date(d).toISOString().slice(0, 10));
    const models = [...new Set(source.data.map((r) => r[stack] ?? '(none)'))].sort();
    const value = new Map(source.data.map((r) => [`${r.day}|${r[stack] ?? '(none)'}`, r[metric]]));
    // Stacked: each series' line is the sum of it and the series before it; drawn top first, each filled
    // down to zero, so every band shows one model's (or key's) share.
    const stacked = models.map((_, i) => days.map((d) => models.slice(0, i + 1).reduce((sum, m) => sum + (value.get(`${d}|${m}`) ?? 0), 0)));
    const order = models.map((_, i) => i).reverse();
    const plot = new uPlot(
      {
        width: Math.min(chart.current.clientWidth || 600, 900),
        height: 240,
        series: [{}, ...order.map((i) => ({ label: models[i], stroke: COLORS[i % COLORS.length], fill: `${COLORS[i % COLORS.length]}55`, points: { size: 6 } }))],
        // Counts step in whole numbers; dollars in whatever fraction the data needs.
        axes: [{}, { size: 80, ...(metric === 'cost_usd' ? {} : { incrs: COUNT_STEPS }), values: (_u: uPlot, values: number[]) => values.map((v) => axisValue(metric, v)) }],
      },
      [days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000), ...order.map((i) => stacked[i]!)],
      chart.current,
    );
    return () => plot.destroy();
  }, [byDayModel, byDayKey, metric, stack]);

  const download = (rows: Row[], key: 'day' | 'model' | 'key_id') => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([csv(rows, key)], { type: 'text/csv' }));
    a.download = `usage-${key}-${from}-${to}.csv`;
    a.click();
  };
  const table = (title: string, report: Report | null, key: 'day' | 'model' | 'key_id') =>
    html`<section aria-label=${title}><h2>${title}</h2>${!report ? html`<p class="progress" role="status">Loading…</p>` : html`<table>
      <thead><tr><th>${key === 'key_id' ? 'Key' : key === 'day' ? 'Day' : 'Model'}</th><th>Requests</th><th>Prompt</th><th>Completion</th><th>Total tokens</th><th>Cost</th></tr></thead>
      <tbody>${report.data.map((r) => html`<tr><td>${r[key]}</td><td>${r.requests}</td><td>${r.prompt_tokens}</td><td>${r.completion_tokens}</td><td>${r.total_tokens}</td><td>${usd(r.cost_usd)}</td></tr>`)}
      <tr><th scope="row">Total</th><td>${report.total.requests}</td><td>${report.total.prompt_tokens}</td><td>${report.total.completion_tokens}</td><td>${report.total.total_tokens}</td><td>${usd(report.total.cost_usd)}</td></tr></tbody>
    </table><button class="secondary" onClick=${() => download(report.data, key)}>Export CSV</button>`}</section>`;
  return html`<div>
    <section aria-labelledby="range"><h2 id="range">Range</h2>
      <form onSubmit=${(e: Event) => (e.preventDefault(), void load())}>
        <label for="from">From</label><input id="from" type="date" value=${from} onInput=${(e: Event) => setFrom((e.target as HTMLInputElement).value)} />
        <${FieldError} error=${error} field="from" />
        <label for="to">To</label><input id="to" type="date" value=${to} onInput=${(e: Event) => setTo((e.target as HTMLInputElement).value)} />
        <${FieldError} error=${error} field="to" />
        <button type="submit">Show</button>
      </form>
      <${FormError} error=${error} fields=${['from', 'to']} />
      <div class="grid">
        <div><label for="metric">Chart</label><select id="metric" value=${metric} onChange=${(e: Event) => setMetric((e.target as HTMLSelectElement).value as Metric)}>
          ${METRICS.map(([m, label]) => html`<option value=${m}>${label} per day</option>`)}</select></div>
        <div><label for="stack">Stacked by</label><select id="stack" value=${stack} onChange=${(e: Event) => setStack((e.target as HTMLSelectElement).value as Stack)}>
          <option value="model">Model</option><option value="key_id">Key</option></select></div>
      </div>
      <div ref=${chart} aria-label=${`${METRICS.find(([m]) => m === metric)![1]} per day, stacked by ${stack === 'model' ? 'model' : 'key'}`} role="img"></div>
    </section>
    ${table('By day', byDay, 'day')} ${table('By model', byModel, 'model')} ${table('By key', byKey, 'key_id')}
  </div>`;
}
