// The CLI's commands: each turns arguments into one admin API call (a few for `list --all`) and renders
// the answer as a table, or hands back the JSON for --json.
import type { ParseArgsConfig } from 'node:util';
import { customLimits, durationSeconds, list, unixSeconds } from './args';
import type { AdminClient } from './client';
import { usageError } from './errors';
import {
  accountDetails,
  accountsTable,
  eventsTable,
  keyDetails,
  keysTable,
  secretNotice,
  type AccountWire,
  type EventWire,
  type KeyWire,
  type ListWire,
} from './render';
import { MODEL_COMMANDS } from './models';
import { USAGE_COMMANDS } from './usage';

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Output {
  json: unknown;
  text: string;
  /** Printed to stderr in table mode (they are in the JSON anyway). */
  warnings?: string[];
}

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(client: AdminClient, args: string[], values: Values): Promise<Output>;
}

const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: Values[string]): string[] | undefined => (Array.isArray(v) ? v : undefined);
const path = (id: string) => encodeURIComponent(id);

function one(args: string[], what: string, usage: string): string {
  if (args.length !== 1 || !args[0]) throw usageError(`Expected exactly one ${what}.\nUsage: ${usage}`);
  return args[0];
}

function expiry(values: Values, body: Record<string, unknown>): void {
  const at = str(values['expires-at']);
  if (at !== undefined) body.expires_at = unixSeconds(at, '--expires-at');
  if (values['no-expiry']) {
    if (at !== undefined) throw usageError('Use either --expires-at or --no-expiry.');
    body.expires_at = null;
  }
}

/** `--models ID|PATTERN ...` (or comma-separated) sets allowed_models; `--all-models` clears it. */
const MODEL_OPTIONS = { models: { type: 'string', multiple: true }, 'all-models': { type: 'boolean' } } as const;
/** `--budget-usd N --budget-period day|week|month|total` sets a budget; `--no-budget` removes it. */
const BUDGET_OPTIONS = { 'budget-usd': { type: 'string' }, 'budget-period': { type: 'string' }, 'no-budget': { type: 'boolean' } } as const;
function budget(values: Values, body: Record<string, unknown>): void {
  const amount = str(values['budget-usd']);
  const period = str(values['budget-period']);
  if (values['no-budget']) {
    if (amount !== undefined || period !== undefined) throw usageError('Use either --budget-usd/--budget-period or --no-budget.');
    body.budget = null;
    return;
  }
  if (amount === undefined && period === undefined) return;
  if (amount === undefined || period === undefined) throw usageError('A budget needs both --budget-usd N and --budget-period day|week|month|total.');
  const limit = Number(amount);
  if (!/^\d+(\.\d+)?$/.test(amount) || !Number.isFinite(limit)) throw usageError(`--budget-usd must be an amount in US dollars, such as 25 or 2.50; got '${amount}'.`);
  body.budget = { limit_usd: limit, period };
}
function allowedModels(values: Values, body: Record<string, unknown>): void {
  const models = list(strs(values.models));
  if (models.length && values['all-models']) throw usageError('Use either --models or --all-models.');
  if (models.length) body.allowed_models = models;
  if (values['all-models']) body.allowed_models = null;
}

const account = (json: unknown): Output => {
  const a = json as AccountWire;
  return { json, text: accountDetails(a), warnings: a.warnings };
};
const key = (json: unknown): Output => {
  const k = json as KeyWire;
  return { json, text: keyDetails(k) + (k.secret ? `\n${secretNotice(k.secret)}` : '') };
};

export const COMMANDS: Record<string, Record<string, Command>> = {
  accounts: {
    create: {
      summary: 'create an account',
      usage: 'op-admin accounts create --name NAME [--plan free|pro|enterprise] [--custom-limit name=value ...] [--models ID|PATTERN ...] [--budget-usd N --budget-period P]',
      options: {
        name: { type: 'string' },
        plan: { type: 'string' },
        'custom-limit': { type: 'string', multiple: true },
        models: MODEL_OPTIONS.models,
        'budget-usd': BUDGET_OPTIONS['budget-usd'],
        'budget-period': BUDGET_OPTIONS['budget-period'],
      },
      async run(client, args, values) {
        if (args.length) throw usageError(`Unexpected argument '${args[0]}'.\nUsage: ${this.usage}`);
        const body: Record<string, unknown> = {};
        if (values.name !== undefined) body.name = str(values.name);
        if (values.plan !== undefined) body.plan = str(values.plan);
        const limits = strs(values['custom-limit']);
        if (limits?.length) body.custom_limits = customLimits(limits);
        allowedModels(values, body);
        budget(values, body);
        return account(await client.call('POST', '/admin/accounts', body));
      },
    },
    list: {
      summary: 'list accounts (oldest first)',
      usage: 'op-admin accounts list [--limit N] [--after CURSOR] [--all]',
      options: { limit: { type: 'string' }, after: { type: 'string' }, all: { type: 'boolean' } },
      async run(client, args, values) {
        if (args.length) throw usageError(`Unexpected argument '${args[0]}'.\nUsage: ${this.usage}`);
        const data: AccountWire[] = [];
        let after = str(values.after);
        let page: ListWire<AccountWire>;
        do {
          const query = new URLSearchParams();
          if (values.limit !== undefined) query.set('limit', str(values.limit) ?? '');
          if (after) query.set('after', after);
          const qs = query.toString();
          page = (await client.call('GET', `/admin/accounts${qs ? `?${qs}` : ''}`)) as ListWire<AccountWire>;
          data.push(...page.data);
          after = page.next_cursor ?? undefined;
        } while (values.all && page.has_more && after);
        const more = !values.all && page.has_more ? `\nMore: op-admin accounts list --after ${page.next_cursor}` : '';
        return { json: values.all ? { object: 'list', data, has_more: false, next_cursor: null } : page, text: accountsTable(data) + more };
      },
    },
    show: {
      summary: 'show an account, its limits and how many keys are active',
      usage: 'op-admin accounts show ACCOUNT_ID',
      options: {},
      async run(client, args) {
        return account(await client.call('GET', `/admin/accounts/${path(one(args, 'account id', this.usage))}`));
      },
    },
    update: {
      summary: 'change name, plan, custom limits, allowed models or budget (a downgrade keeps every key)',
      usage: 'op-admin accounts update ACCOUNT_ID [--name NAME] [--plan PLAN] [--custom-limit name=value ... | --clear-custom-limits] [--models ID|PATTERN ... | --all-models] [--budget-usd N --budget-period P | --no-budget]',
      options: {
        name: { type: 'string' },
        plan: { type: 'string' },
        'custom-limit': { type: 'string', multiple: true },
        'clear-custom-limits': { type: 'boolean' },
        ...MODEL_OPTIONS,
        ...BUDGET_OPTIONS,
      },
      async run(client, args, values) {
        const id = one(args, 'account id', this.usage);
        const body: Record<string, unknown> = {};
        if (values.name !== undefined) body.name = str(values.name);
        if (values.plan !== undefined) body.plan = str(values.plan);
        const limits = strs(values['custom-limit']);
        if (limits?.length && values['clear-custom-limits']) throw usageError('Use either --custom-limit or --clear-custom-limits.');
        if (limits?.length) body.custom_limits = customLimits(limits);
        if (values['clear-custom-limits']) body.custom_limits = null;
        allowedModels(values, body);
        budget(values, body);
        return account(await client.call('PATCH', `/admin/accounts/${path(id)}`, body));
      },
    },
    events: {
      summary: "the account's budget events (50, 80 and 100% of a budget), newest first",
      usage: 'op-admin accounts events ACCOUNT_ID',
      options: {},
      async run(client, args) {
        const json = (await client.call('GET', `/admin/accounts/${path(one(args, 'account id', this.usage))}/events`)) as ListWire<EventWire>;
        return { json, text: eventsTable(json.data) };
      },
    },
    delete: {
      summary: 'revoke every key of an account, then delete it (needs --yes)',
      usage: 'op-admin accounts delete ACCOUNT_ID --yes',
      options: { yes: { type: 'boolean' } },
      async run(client, args, values) {
        const id = one(args, 'account id', this.usage);
        if (!values.yes) throw usageError(`Deleting ${id} revokes all its keys and cannot be undone; add --yes to confirm.`);
        const json = (await client.call('DELETE', `/admin/accounts/${path(id)}`)) as { id: string; revoked_keys: number };
        return { json, text: `Deleted account ${json.id}; revoked ${json.revoked_keys} key(s).` };
      },
    },
  },
  keys: {
    create: {
      summary: 'issue a key (the secret is shown once)',
      usage: 'op-admin keys create ACCOUNT_ID [--label LABEL] [--expires-at DATE|UNIX] [--allow CIDR ...] [--models ID|PATTERN ...] [--budget-usd N --budget-period P]',
      options: {
        label: { type: 'string' },
        'expires-at': { type: 'string' },
        allow: { type: 'string', multiple: true },
        models: MODEL_OPTIONS.models,
        'budget-usd': BUDGET_OPTIONS['budget-usd'],
        'budget-period': BUDGET_OPTIONS['budget-period'],
      },
      async run(client, args, values) {
        const id = one(args, 'account id', this.usage);
        const body: Record<string, unknown> = {};
        if (values.label !== undefined) body.label = str(values.label);
        expiry(values, body);
        const allow = list(strs(values.allow));
        if (allow.length) body.ip_allowlist = allow;
        allowedModels(values, body);
        budget(values, body);
        return key(await client.call('POST', `/admin/accounts/${path(id)}/keys`, body));
      },
    },
    list: {
      summary: "list an account's keys, revoked ones included",
      usage: 'op-admin keys list ACCOUNT_ID',
      options: {},
      async run(client, args) {
        const json = (await client.call('GET', `/admin/accounts/${path(one(args, 'account id', this.usage))}/keys`)) as ListWire<KeyWire>;
        return { json, text: keysTable(json.data) };
      },
    },
    show: {
      summary: 'show a key: label, hint, status, dates, IP allowlist and allowed models',
      usage: 'op-admin keys show KEY_ID',
      options: {},
      async run(client, args) {
        return key(await client.call('GET', `/admin/keys/${path(one(args, 'key id', this.usage))}`));
      },
    },
    update: {
      summary: 'change label, expiry, IP allowlist, allowed models or budget',
      usage: 'op-admin keys update KEY_ID [--label LABEL] [--expires-at DATE|UNIX | --no-expiry] [--allow CIDR ... | --clear-allowlist] [--models ID|PATTERN ... | --all-models] [--budget-usd N --budget-period P | --no-budget]',
      options: {
        label: { type: 'string' },
        'expires-at': { type: 'string' },
        'no-expiry': { type: 'boolean' },
        allow: { type: 'string', multiple: true },
        'clear-allowlist': { type: 'boolean' },
        ...MODEL_OPTIONS,
        ...BUDGET_OPTIONS,
      },
      async run(client, args, values) {
        const id = one(args, 'key id', this.usage);
        const body: Record<string, unknown> = {};
        if (values.label !== undefined) body.label = str(values.label);
        expiry(values, body);
        const allow = list(strs(values.allow));
        if (allow.length && values['clear-allowlist']) throw usageError('Use either --allow or --clear-allowlist.');
        if (allow.length) body.ip_allowlist = allow;
        if (values['clear-allowlist']) body.ip_allowlist = null;
        allowedModels(values, body);
        budget(values, body);
        return key(await client.call('PATCH', `/admin/keys/${path(id)}`, body));
      },
    },
    rotate: {
      summary: 'issue a replacement (same label and allowlist); the old key works for --grace (0 to 24h, default 0)',
      usage: 'op-admin keys rotate KEY_ID [--grace 0|90s|15m|2h|1d] [--expires-at DATE|UNIX]',
      options: { grace: { type: 'string' }, 'expires-at': { type: 'string' } },
      async run(client, args, values) {
        const id = one(args, 'key id', this.usage);
        const body: Record<string, unknown> = {};
        const grace = str(values.grace);
        if (grace !== undefined) body.grace_period_seconds = durationSeconds(grace, '--grace');
        expiry(values, body);
        const json = (await client.call('POST', `/admin/keys/${path(id)}/rotate`, body)) as { old_key: KeyWire; new_key: KeyWire };
        const { old_key: old, new_key: fresh } = json;
        const until = old.status === 'active' && old.expires_at ? `keeps working until ${new Date(old.expires_at * 1000).toISOString()}` : 'is revoked';
        const text = `${keyDetails(fresh)}\n\nThe old key ${old.id} ${until} (allow up to 10 s for every instance to notice).${fresh.secret ? `\n${secretNotice(fresh.secret)}` : ''}`;
        return { json, text };
      },
    },
    revoke: {
      summary: 'revoke a key (takes effect everywhere within 10 s)',
      usage: 'op-admin keys revoke KEY_ID',
      options: {},
      async run(client, args) {
        return key(await client.call('DELETE', `/admin/keys/${path(one(args, 'key id', this.usage))}`));
      },
    },
  },
  usage: USAGE_COMMANDS,
  models: MODEL_COMMANDS,
};
