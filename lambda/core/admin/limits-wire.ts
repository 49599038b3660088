// Plan limits on the admin wire: snake_case names, null for "unlimited". The map is typed against
// Limits, so a limit added to the plan table cannot be forgotten here.
import type { Limits } from '../plans';
import { fail, integer, isObject, onlyKnown } from './fields';

export const LIMIT_WIRE_NAMES: Readonly<Record<keyof Limits, string>> = {
  requestsPerMinute: 'requests_per_minute',
  tokensPerMinute: 'tokens_per_minute',
  tokensPerMonth: 'tokens_per_month',
  concurrentRequests: 'concurrent_requests',
  maxTokensPerRequest: 'max_tokens_per_request',
};

const ENTRIES = Object.entries(LIMIT_WIRE_NAMES) as Array<[keyof Limits, string]>;
/** Large enough for any real limit, small enough to stay exact in JSON and DynamoDB numbers. */
const MAX_LIMIT = 1_000_000_000_000;

export function limitsToWire(limits: Partial<Limits>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [name, wire] of ENTRIES) if (limits[name] !== undefined) out[wire] = limits[name] ?? null;
  return out;
}

/** `custom_limits`: any subset of the limits, each a positive integer or null (unlimited). */
export function parseCustomLimits(value: unknown, param = 'custom_limits'): Partial<Limits> {
  if (!isObject(value)) return fail(`'${param}' must be an object.`, param, 'invalid_type');
  onlyKnown(value, ENTRIES.map(([, wire]) => wire), `${param}.`);
  const out: Partial<Limits> = {};
  for (const [name, wire] of ENTRIES) {
    const v = value[wire];
    if (v === undefined) continue;
    out[name] = v === null ? null : integer(v, `${param}.${wire}`, 1, MAX_LIMIT);
  }
  return out;
}
