// `op-admin models list|show|add|update|retire|delete`: the catalog through /admin/models. A model is given
// as JSON (the fields GET /admin/models shows) in a file, or `-` for standard input; prices and status have
// flags of their own for the everyday changes.
import { readFileSync } from 'node:fs';
import type { Command, Output, Values } from './commands';
import { usageError } from './errors';
import { details, table, time, type Cell } from './table';

export interface ModelWire {
  id: string;
  aliases: string[];
  owned_by: string;
  context_window: number;
  max_output_tokens: number;
  pricing: { input_per_1m: number; output_per_1m: number; cached_input_per_1m: number; cache_write_per_1m: number };
  tier: string;
  quality_score: number;
  routes: Array<{ provider: string; upstream_model: string }>;
  status: string;
  successor: string | null;
  source: string;
  updated_at: number | null;
}

const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined);
const path = (id: string) => encodeURIComponent(id);

function one(args: string[], usage: string): string {
  if (args.length !== 1 || !args[0]) throw usageError(`Expected exactly one model id.\nUsage: ${usage}`);
  return args[0];
}

function jsonFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw usageError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw usageError(`${file} is not a JSON object: ${(err as Error).message}`);
  }
}

function price(values: Values, flag: string): number | undefined {
  const v = str(values[flag]);
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(v)) throw usageError(`--${flag} must be US dollars per million tokens, such as 3 or 0.25; got '${v}'.`);
  return Number(v);
}

const PRICE_FLAGS = { 'input-price': 'input_per_1m', 'output-price': 'output_per_1m', 'cached-input-price': 'cached_input_per_1m', 'cache-write-price': 'cache_write_per_1m' } as const;

export function modelsTable(models: readonly ModelWire[]): string {
  if (!models.length) return 'No models.';
  return table(
    ['ID', 'TIER', 'STATUS', 'INPUT $/1M', 'OUTPUT $/1M', 'CONTEXT', 'ROUTES'],
    models.map((m) => [m.id, m.tier, m.successor ? `${m.status} -> ${m.successor}` : m.status, m.pricing.input_per_1m, m.pricing.output_per_1m, m.context_window, m.routes.map((r) => r.provider).join(',')]),
  );
}

function modelDetails(m: ModelWire): string {
  const pairs: Array<[string, Cell]> = [
    ['id', m.id],
    ['aliases', m.aliases.join(', ')],
    ['owned by', m.owned_by],
    ['status', m.status],
    ['successor', m.successor],
    ['tier', m.tier],
    ['context window', m.context_window],
    ['max output tokens', m.max_output_tokens],
    ['input $/1M', m.pricing.input_per_1m],
    ['output $/1M', m.pricing.output_per_1m],
    ['cached input $/1M', m.pricing.cached_input_per_1m],
    ['cache write $/1M', m.pricing.cache_write_per_1m],
    ['quality', m.quality_score],
    ['routes', m.routes.map((r) => `${r.provider}:${r.upstream_model}`).join(', ')],
    ['source', m.source],
    ['updated', time(m.updated_at)],
  ];
  return details(pairs);
}

const model = (json: unknown): Output => ({ json, text: modelDetails(json as ModelWire) });

export const MODEL_COMMANDS: Record<string, Command> = {
  list: {
    summary: 'the catalog: every model with its status, prices and routes',
    usage: 'op-admin models list',
    options: {},
    async run(client, args) {
      if (args.length) throw usageError(`Unexpected argument '${args[0]}'.\nUsage: ${this.usage}`);
      const json = (await client.call('GET', '/admin/models')) as { data: ModelWire[] };
      return { json, text: modelsTable(json.data) };
    },
  },
  show: {
    summary: 'one model of the catalog',
    usage: 'op-admin models show MODEL_ID',
    options: {},
    async run(client, args) {
      return model(await client.call('GET', `/admin/models/${path(one(args, this.usage))}`));
    },
  },
  add: {
    summary: 'add a model from a JSON file (- for stdin): id, owned_by, context_window, max_output_tokens, pricing, tier, routes, ...',
    usage: 'op-admin models add FILE.json',
    options: {},
    async run(client, args) {
      if (args.length !== 1 || !args[0]) throw usageError(`Expected one JSON file.\nUsage: ${this.usage}`);
      return model(await client.call('POST', '/admin/models', jsonFile(args[0])));
    },
  },
  update: {
    summary: 'reprice, reroute or change a model: price flags, --status, or any fields from a JSON file',
    usage: 'op-admin models update MODEL_ID [--input-price N] [--output-price N] [--cached-input-price N] [--cache-write-price N] [--status active|deprecated] [--successor ID] [--file FILE.json]',
    options: {
      'input-price': { type: 'string' },
      'output-price': { type: 'string' },
      'cached-input-price': { type: 'string' },
      'cache-write-price': { type: 'string' },
      status: { type: 'string' },
      successor: { type: 'string' },
      file: { type: 'string' },
    },
    async run(client, args, values) {
      const id = one(args, this.usage);
      const body: Record<string, unknown> = values.file ? jsonFile(str(values.file)!) : {};
      const prices: Record<string, number> = {};
      for (const [flag, field] of Object.entries(PRICE_FLAGS)) {
        const p = price(values, flag);
        if (p !== undefined) prices[field] = p;
      }
      if (Object.keys(prices).length) {
        // A price patch keeps the other prices: the API takes pricing whole.
        const current = (await client.call('GET', `/admin/models/${path(id)}`)) as ModelWire;
        body.pricing = { ...current.pricing, ...prices };
      }
      if (values.status !== undefined) body.status = str(values.status);
      if (values.successor !== undefined) body.successor = str(values.successor);
      if (!Object.keys(body).length) throw usageError(`Nothing to change.\nUsage: ${this.usage}`);
      return model(await client.call('PATCH', `/admin/models/${path(id)}`, body));
    },
  },
  retire: {
    summary: 'retire a model: its id then answers with --successor, or 404 saying it was retired',
    usage: 'op-admin models retire MODEL_ID [--successor ID]',
    options: { successor: { type: 'string' } },
    async run(client, args, values) {
      const body: Record<string, unknown> = { status: 'retired', successor: str(values.successor) ?? null };
      return model(await client.call('PATCH', `/admin/models/${path(one(args, this.usage))}`, body));
    },
  },
  delete: {
    summary: 'remove a model from the catalog outright (needs --yes; retiring keeps its id answering)',
    usage: 'op-admin models delete MODEL_ID --yes',
    options: { yes: { type: 'boolean' } },
    async run(client, args, values) {
      const id = one(args, this.usage);
      if (!values.yes) throw usageError(`Deleting ${id} makes its id unknown to every client; add --yes to confirm, or retire it instead.`);
      const json = await client.call('DELETE', `/admin/models/${path(id)}`);
      return { json, text: `Deleted ${id} from the catalog.` };
    },
  },
};
