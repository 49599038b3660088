// The admin API's request bodies and query strings, parsed into typed inputs. Nothing here touches the
// store: a request is fully validated before the services read or write anything.
import type { Limits } from '../plans';
import { PLAN_NAMES } from '../plans';
import type { Plan } from '../records';
import { parseCidr } from './cidr';
import { fail, integer, jsonObject, oneOf, onlyKnown, queryInteger, text, type Json } from './fields';
import { parseCustomLimits } from './limits-wire';
import { parseAllowedModels } from './model-list';
import { parseBudget } from './budget-wire';
import type { Budget } from '../limits/budget';
import type { Catalog } from '../catalog';

export const MAX_ALLOWLIST_ENTRIES = 100;
export const MAX_GRACE_SECONDS = 24 * 3600;
/** Expiry at most ten years out: far enough for any policy, near enough to catch a milliseconds mix-up. */
const MAX_EXPIRY_SECONDS = 10 * 365 * 24 * 3600;
export const MAX_PAGE = 100;

export interface AccountInput {
  name: string;
  plan: Plan;
  customLimits?: Partial<Limits>;
  allowedModels?: string[];
  budget?: Budget;
}

export interface AccountPatch {
  name?: string;
  plan?: Plan;
  /** null clears them (back to the plan defaults). */
  customLimits?: Partial<Limits> | null;
  /** null: every model. */
  allowedModels?: string[] | null;
  /** null removes it. */
  budget?: Budget | null;
}

export interface KeyInput {
  label: string;
  expiresAt?: string;
  ipAllowlist?: string[];
  allowedModels?: string[];
  budget?: Budget;
}

export interface KeyPatch {
  label?: string;
  /** null removes the expiry. */
  expiresAt?: string | null;
  /** null or [] removes the allowlist. */
  ipAllowlist?: string[] | null;
  /** null: every model (within the account's). */
  allowedModels?: string[] | null;
  /** null removes it. */
  budget?: Budget | null;
}

export interface RotateInput {
  graceSeconds: number;
  /** Expiry of the replacement; it does not inherit the old key's. */
  expiresAt?: string;
}

const name = (v: unknown) => text(v, 'name', 1, 200);
/** A label is optional, but one that is given must say something (a label of spaces is refused). */
const label = (v: unknown) => text(v, 'label', 1, 100);

function nothingToChange(body: Json, fields: readonly string[]): void {
  if (Object.keys(body).length === 0) fail(`Provide at least one of: ${fields.join(', ')}.`, null, 'missing_parameter');
}

/** `expires_at`: Unix seconds, in the future and at most ten years out. */
function expiresAt(v: unknown, now: number): string {
  const nowSeconds = Math.floor(now / 1000);
  const seconds = integer(v, 'expires_at', 0, Number.MAX_SAFE_INTEGER);
  if (seconds <= nowSeconds) return fail(`'expires_at' must be in the future (Unix seconds; now is ${nowSeconds}).`, 'expires_at');
  if (seconds > nowSeconds + MAX_EXPIRY_SECONDS) return fail(`'expires_at' must be at most ten years from now (Unix seconds, not milliseconds).`, 'expires_at');
  return new Date(seconds * 1000).toISOString();
}

/** `ip_allowlist`: IPv4/IPv6 CIDRs or bare addresses, stored as given (trimmed) and de-duplicated. */
function ipAllowlist(v: unknown): string[] {
  if (!Array.isArray(v)) return fail(`'ip_allowlist' must be an array of CIDR strings.`, 'ip_allowlist', 'invalid_type');
  if (v.length > MAX_ALLOWLIST_ENTRIES) return fail(`'ip_allowlist' may hold at most ${MAX_ALLOWLIST_ENTRIES} entries.`, 'ip_allowlist');
  const out: string[] = [];
  v.forEach((entry, i) => {
    const param = `ip_allowlist[${i}]`;
    if (typeof entry !== 'string') return fail(`'${param}' must be a string.`, param, 'invalid_type');
    const trimmed = entry.trim();
    if (!parseCidr(trimmed)) return fail(`'${param}' is not an IPv4 or IPv6 address or CIDR: '${entry.slice(0, 60)}'.`, param, 'invalid_cidr');
    if (!out.includes(trimmed)) out.push(trimmed);
  });
  return out;
}

export function parseAccountInput(body: string | null | undefined, catalog: Catalog): AccountInput {
  const b = jsonObject(body);
  onlyKnown(b, ['name', 'plan', 'custom_limits', 'allowed_models', 'budget']);
  if (b.name === undefined) fail(`Missing required parameter: 'name'.`, 'name', 'missing_parameter');
  const plan = b.plan === undefined ? 'free' : oneOf(b.plan, 'plan', PLAN_NAMES);
  const input: AccountInput = { name: name(b.name), plan };
  if (b.custom_limits !== undefined && b.custom_limits !== null) {
    const limits = parseCustomLimits(b.custom_limits);
    if (plan !== 'enterprise') fail(`'custom_limits' apply to enterprise accounts only; this account would be on the ${plan} plan.`, 'custom_limits');
    input.customLimits = limits;
  }
  if (b.allowed_models !== undefined && b.allowed_models !== null) input.allowedModels = parseAllowedModels(b.allowed_models, catalog);
  if (b.budget !== undefined && b.budget !== null) input.budget = parseBudget(b.budget);
  return input;
}

/** Whether custom limits fit the resulting plan is the service's check: it depends on the stored account. */
export function parseAccountPatch(body: string | null | undefined, catalog: Catalog): AccountPatch {
  const b = jsonObject(body);
  onlyKnown(b, ['name', 'plan', 'custom_limits', 'allowed_models', 'budget']);
  nothingToChange(b, ['name', 'plan', 'custom_limits', 'allowed_models', 'budget']);
  const patch: AccountPatch = {};
  if (b.name !== undefined) patch.name = name(b.name);
  if (b.plan !== undefined) patch.plan = oneOf(b.plan, 'plan', PLAN_NAMES);
  if (b.custom_limits !== undefined) patch.customLimits = b.custom_limits === null ? null : parseCustomLimits(b.custom_limits);
  if (b.allowed_models !== undefined) patch.allowedModels = b.allowed_models === null ? null : parseAllowedModels(b.allowed_models, catalog);
  if (b.budget !== undefined) patch.budget = b.budget === null ? null : parseBudget(b.budget);
  return patch;
}

const KEY_FIELDS = ['label', 'expires_at', 'ip_allowlist', 'allowed_models', 'budget'];

export function parseKeyInput(body: string | null | undefined, now: number, catalog: Catalog): KeyInput {
  const b = jsonObject(body);
  onlyKnown(b, KEY_FIELDS);
  const input: KeyInput = { label: b.label === undefined ? '' : label(b.label) };
  if (b.expires_at !== undefined && b.expires_at !== null) input.expiresAt = expiresAt(b.expires_at, now);
  if (b.ip_allowlist !== undefined && b.ip_allowlist !== null) {
    const list = ipAllowlist(b.ip_allowlist);
    if (list.length) input.ipAllowlist = list;
  }
  if (b.allowed_models !== undefined && b.allowed_models !== null) input.allowedModels = parseAllowedModels(b.allowed_models, catalog);
  if (b.budget !== undefined && b.budget !== null) input.budget = parseBudget(b.budget);
  return input;
}

export function parseKeyPatch(body: string | null | undefined, now: number, catalog: Catalog): KeyPatch {
  const b = jsonObject(body);
  onlyKnown(b, KEY_FIELDS);
  nothingToChange(b, KEY_FIELDS);
  const patch: KeyPatch = {};
  if (b.label !== undefined) patch.label = label(b.label);
  if (b.expires_at !== undefined) patch.expiresAt = b.expires_at === null ? null : expiresAt(b.expires_at, now);
  if (b.ip_allowlist !== undefined) {
    const list = b.ip_allowlist === null ? [] : ipAllowlist(b.ip_allowlist);
    patch.ipAllowlist = list.length ? list : null;
  }
  if (b.allowed_models !== undefined) patch.allowedModels = b.allowed_models === null ? null : parseAllowedModels(b.allowed_models, catalog);
  if (b.budget !== undefined) patch.budget = b.budget === null ? null : parseBudget(b.budget);
  return patch;
}

export function parseRotateInput(body: string | null | undefined, now: number): RotateInput {
  const b = jsonObject(body);
  onlyKnown(b, ['grace_period_seconds', 'expires_at']);
  const input: RotateInput = {
    graceSeconds: b.grace_period_seconds === undefined ? 0 : integer(b.grace_period_seconds, 'grace_period_seconds', 0, MAX_GRACE_SECONDS),
  };
  if (b.expires_at !== undefined && b.expires_at !== null) input.expiresAt = expiresAt(b.expires_at, now);
  return input;
}

/** Bodies are not expected on GET and DELETE; one that is sent must at least be an empty object. */
export function parseEmptyBody(body: string | null | undefined): void {
  onlyKnown(jsonObject(body), []);
}

export interface ListQuery {
  limit: number;
  after?: string;
}

export function parseListQuery(query: Record<string, string>): ListQuery {
  onlyKnown(query, ['limit', 'after']);
  const out: ListQuery = { limit: query.limit === undefined ? MAX_PAGE : queryInteger(query.limit, 'limit', 1, MAX_PAGE) };
  if (query.after !== undefined) {
    if (!/^[A-Za-z0-9_-]{1,2048}$/.test(query.after)) fail(`'after' is not a cursor this API returned.`, 'after');
    out.after = query.after;
  }
  return out;
}
