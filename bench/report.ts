// Plain-text tables for the terminal.

export type Cell = string | number;

function text(cell: Cell): string {
  if (typeof cell === 'number') return Number.isFinite(cell) ? (Math.abs(cell) >= 100 ? cell.toFixed(0) : cell.toFixed(2)) : 'n/a';
  return cell;
}

export function table(title: string, header: string[], rows: Cell[][]): string {
  const cells = [header, ...rows.map((r) => r.map(text))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [`\n${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export interface Check {
  target: string;
  limit: string;
  measured: string;
  pass: boolean;
  margin: string;
}

export function check(target: string, measured: number, limit: number, unit: string, digits = 2): Check {
  const pass = measured <= limit;
  const diff = limit - measured;
  return {
    target,
    limit: `<= ${limit.toFixed(digits)} ${unit}`,
    measured: `${measured.toFixed(digits)} ${unit}`,
    pass,
    margin: `${pass ? 'under by' : 'over by'} ${Math.abs(diff).toFixed(digits)} ${unit} (${((Math.abs(diff) / limit) * 100).toFixed(0)}%)`,
  };
}
