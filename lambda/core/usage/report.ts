// GET /admin/accounts/{id}/usage?from=&to=&group_by=day|model|key|day_model|day_key: an account's usage over whole UTC days,
// read from the daily aggregates (one Query), grouped as asked, with the total. Costs are summed in integer
// nano-USD and shown in USD.
import { BadRequestError } from '../../wire/errors';
import { requireAccount, type AdminContext } from '../admin/context';
import { utcDay } from '../limits/windows';
import type { AggregateDimension } from './port';
import { ZERO_TOTALS, addTotals, type UsageTotals } from './record';

/** `day_model`, `day_key`: one row per day and model, or day and key (the dashboard's stacked charts). */
export type UsageGrouping = 'day' | 'model' | 'key' | 'day_model' | 'day_key';

export interface UsageQuery {
  from: string;
  to: string;
  groupBy: UsageGrouping;
}

/** How far back one query may reach: a year and a day covers any calendar year and month-over-month views. */
const MAX_DAYS = 366;
const DAY_MS = 86_400_000;
const GROUPINGS: readonly UsageGrouping[] = ['day', 'model', 'key', 'day_model', 'day_key'];
const DIMENSION: Readonly<Record<UsageGrouping, AggregateDimension>> = { day: 'account', model: 'model', key: 'key', day_model: 'model', day_key: 'key' };

const fail = (message: string, param: string): never => {
  throw new BadRequestError(message, { param, code: 'invalid_value' });
};

function day(value: string, param: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(ms) || utcDay(ms) !== value) return fail(`'${param}' must be a UTC date as YYYY-MM-DD, got '${value}'.`, param);
  return value;
}

/** Defaults: from the first of the current UTC month to today, by day. */
export function parseUsageQuery(query: Record<string, string>, now: number): UsageQuery {
  for (const name of Object.keys(query)) {
    if (!['from', 'to', 'group_by'].includes(name)) fail(`Unknown query parameter '${name}'; use from, to and group_by.`, name);
  }
  const today = utcDay(now);
  const to = query.to === undefined ? today : day(query.to, 'to');
  const from = query.from === undefined ? `${to.slice(0, 7)}-01` : day(query.from, 'from');
  if (from > to) fail(`'from' (${from}) is after 'to' (${to}).`, 'from');
  if ((Date.parse(to) - Date.parse(from)) / DAY_MS + 1 > MAX_DAYS) fail(`At most ${MAX_DAYS} days per query; narrow 'from' and 'to'.`, 'from');
  const groupBy = query.group_by ?? 'day';
  if (!GROUPINGS.includes(groupBy as UsageGrouping)) fail(`'group_by' must be one of ${GROUPINGS.join(', ')}, got '${groupBy}'.`, 'group_by');
  return { from, to, groupBy: groupBy as UsageGrouping };
}

export interface UsageRowView {
  day?: string;
  model?: string;
  key_id?: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number;
}

function view(totals: UsageTotals): Omit<UsageRowView, 'day' | 'model' | 'key_id'> {
  return {
    requests: totals.requests,
    prompt_tokens: totals.promptTokens,
    completion_tokens: totals.completionTokens,
    total_tokens: totals.totalTokens,
    cost_usd: totals.costNanoUsd / 1e9,
  };
}

export async function accountUsage(ctx: AdminContext, accountId: string, query: UsageQuery) {
  await requireAccount(ctx, accountId);
  const rows = await ctx.store.usage.aggregates(accountId, DIMENSION[query.groupBy], query.from, query.to);
  const groups = new Map<string, { fields: Pick<UsageRowView, 'day' | 'model' | 'key_id'>; totals: UsageTotals }>();
  for (const row of rows) {
    const model = row.model ?? '(none)';
    const keyId = row.keyId ?? '(none)';
    const fields: Pick<UsageRowView, 'day' | 'model' | 'key_id'> = {
      day: { day: row.day },
      model: { model },
      key: { key_id: keyId },
      day_model: { day: row.day, model },
      day_key: { day: row.day, key_id: keyId },
    }[query.groupBy];
    const group = [fields.day, fields.model, fields.key_id].filter((v) => v !== undefined).join('|');
    const seen = groups.get(group);
    groups.set(group, { fields, totals: addTotals(seen?.totals ?? ZERO_TOTALS, row.totals) });
  }
  const data: UsageRowView[] = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({ ...g.fields, ...view(g.totals) }));
  const total = [...groups.values()].map((g) => g.totals).reduce(addTotals, ZERO_TOTALS);
  return {
    object: 'usage' as const,
    account_id: accountId,
    from: query.from,
    to: query.to,
    group_by: query.groupBy,
    data,
    total: view(total),
  };
}
