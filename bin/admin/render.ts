// Admin API objects as tables (the CLI reads them over HTTP; their types come from the code that builds them).
import type { AccountWire, BudgetWire, EventWire, KeyWire } from '../../lambda/core/admin/wire-types';
import { details, table, time, type Cell } from './table';

export type { AccountWire, BudgetWire, EventWire, KeyWire, ListWire } from '../../lambda/core/admin/wire-types';

const limit = (v: number | null | undefined): Cell => (v === null ? 'unlimited' : v);
const modelList = (v: string[] | null | undefined): string => (v ? v.join(', ') : 'all');
const budgetText = (b: BudgetWire | null | undefined): string => (b ? `$${b.limit_usd} ${b.period === 'total' ? 'in total' : `per ${b.period}`}` : 'none');

export function eventsTable(events: readonly EventWire[]): string {
  if (!events.length) return 'No events.';
  return table(
    ['TIME', 'BUDGET', 'KEY', 'THRESHOLD', 'PERIOD', 'SETTLED USD'],
    events.map((e) => [time(e.created_at), `${e.scope} ${budgetText(e.budget)}`, e.key_id, `${e.threshold_percent}%`, e.period, e.settled_usd]),
  );
}

export function accountsTable(accounts: readonly AccountWire[]): string {
  if (!accounts.length) return 'No accounts.';
  return table(
    ['ID', 'NAME', 'PLAN', 'KEY QUOTA', 'CREATED'],
    accounts.map((a) => [a.id, a.name, a.plan, limit(a.key_quota), time(a.created_at)]),
  );
}

export function accountDetails(a: AccountWire): string {
  const pairs: Array<[string, Cell]> = [
    ['id', a.id],
    ['name', a.name],
    ['plan', a.plan],
    ['key quota', limit(a.key_quota)],
  ];
  if (a.active_keys !== undefined) pairs.push(['active keys', a.active_keys]);
  pairs.push(['allowed models', modelList(a.allowed_models)], ['budget', budgetText(a.budget)]);
  if (a.budget && typeof a.budget_spent_usd === 'number') pairs.push(['budget spent', `$${a.budget_spent_usd.toFixed(6)}`]);
  for (const [name, value] of Object.entries(a.limits)) {
    const custom = a.custom_limits && name in a.custom_limits ? ' (custom)' : '';
    pairs.push([name.replace(/_/g, ' '), `${limit(value) ?? '-'}${custom}`]);
  }
  pairs.push(['created', time(a.created_at)], ['updated', time(a.updated_at)]);
  return details(pairs);
}

export function keysTable(keys: readonly KeyWire[]): string {
  if (!keys.length) return 'No keys.';
  return table(
    ['ID', 'LABEL', 'HINT', 'STATUS', 'CREATED', 'LAST USED', 'EXPIRES', 'IP ALLOWLIST'],
    keys.map((k) => [k.id, k.label, k.hint, k.status, time(k.created_at), time(k.last_used_at), time(k.expires_at), k.ip_allowlist.join(',')]),
  );
}

export function keyDetails(k: KeyWire): string {
  return details([
    ['id', k.id],
    ['account', k.account_id],
    ['label', k.label],
    ['hint', k.hint],
    ['status', k.status],
    ['ip allowlist', k.ip_allowlist.join(', ')],
    ['allowed models', modelList(k.allowed_models)],
    ['budget', budgetText(k.budget)],
    ...(k.budget && typeof k.budget_spent_usd === 'number' ? ([['budget spent', `$${k.budget_spent_usd.toFixed(6)}`]] as Array<[string, Cell]>) : []),
    ['created', time(k.created_at)],
    ['last used', time(k.last_used_at)],
    ['expires', time(k.expires_at)],
    ['revoked', time(k.revoked_at)],
    ['replaces', k.replaces],
    ['replaced by', k.replaced_by],
  ]);
}

/** The one time the secret is shown: said plainly, on its own line, easy to copy. */
export function secretNotice(secret: string): string {
  return `\nSecret (shown once; it cannot be retrieved again):\n${secret}`;
}
