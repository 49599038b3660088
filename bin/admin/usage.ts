// `op-admin usage show ACCOUNT_ID [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--group-by day|model|key|day_model|day_key]`:
// an account's usage from GET /admin/accounts/{id}/usage, as a table with a total line, or --json.
import type { Command } from './commands';
import { usageError } from './errors';
import { table, type Cell } from './table';

/** The shape lambda/core/usage/report.ts answers with. */
export interface UsageWire {
  account_id: string;
  from: string;
  to: string;
  group_by: 'day' | 'model' | 'key' | 'day_model' | 'day_key';
  data: Array<UsageRowWire & { day?: string; model?: string; key_id?: string }>;
  total: UsageRowWire;
}

interface UsageRowWire {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number;
}

/** Dollars to the cent-fraction that matters for token prices; the exact value is in --json. */
const usd = (v: number) => `$${v.toFixed(6)}`;
const numbers = (r: UsageRowWire): Cell[] => [r.requests, r.prompt_tokens, r.completion_tokens, r.total_tokens, usd(r.cost_usd)];

export function usageTable(u: UsageWire): string {
  const heading = { day: 'DAY', model: 'MODEL', key: 'KEY', day_model: 'DAY / MODEL', day_key: 'DAY / KEY' }[u.group_by];
  const rows = u.data.map((r) => [[r.day, r.model, r.key_id].filter(Boolean).join(' '), ...numbers(r)]);
  const title = `Usage of ${u.account_id}, ${u.from} to ${u.to} (UTC), by ${u.group_by}`;
  if (!rows.length) return `${title}\nNo usage.`;
  return `${title}\n${table([heading, 'REQUESTS', 'PROMPT', 'COMPLETION', 'TOTAL TOKENS', 'COST'], [...rows, ['total', ...numbers(u.total)]])}`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const USAGE_COMMANDS: Record<string, Command> = {
  show: {
    summary: "an account's requests, tokens and cost per day, model or key",
    usage: 'op-admin usage show ACCOUNT_ID [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--group-by day|model|key|day_model|day_key]',
    options: { from: { type: 'string' }, to: { type: 'string' }, 'group-by': { type: 'string' } },
    async run(client, args, values) {
      if (args.length !== 1 || !args[0]) throw usageError(`Expected exactly one account id.\nUsage: ${this.usage}`);
      const query = new URLSearchParams();
      for (const [flag, param] of [['from', 'from'], ['to', 'to'], ['group-by', 'group_by']] as const) {
        const value = str(values[flag]);
        if (value !== undefined) query.set(param, value);
      }
      const qs = query.toString();
      const json = (await client.call('GET', `/admin/accounts/${encodeURIComponent(args[0])}/usage${qs ? `?${qs}` : ''}`)) as UsageWire;
      return { json, text: usageTable(json) };
    },
  },
};
