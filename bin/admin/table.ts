// Plain-text tables for people; --json is for scripts. Columns are padded to the widest cell, and values
// are shown as they are (no truncation: ids and hints must stay copyable).

export type Cell = string | number | boolean | null | undefined;

const show = (v: Cell): string => (v === null || v === undefined || v === '' ? '-' : String(v));

export function table(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const cells = [headers.map(String), ...rows.map((r) => r.map(show))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd())
    .join('\n');
}

/** One record as "field  value" lines. */
export function details(pairs: ReadonlyArray<readonly [string, Cell]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${show(v)}`).join('\n');
}

/** Unix seconds as "2026-01-15 12:00:00Z". */
export function time(seconds: unknown): string | null {
  if (typeof seconds !== 'number') return null;
  return new Date(seconds * 1000).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}
