// Field readers for admin request bodies. Every rejection is a 400 whose `param` names the field, and a
// body is read completely before anything is written, so a rejected request changes nothing.
import { BadRequestError } from '../../wire/errors';
import { MAX_JSON_DEPTH, pathOf, quote, tooDeep } from '../../wire/json';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function fail(message: string, param: string | null, code = 'invalid_value'): never {
  throw new BadRequestError(message, { param, code });
}

/** The request body as a JSON object; an absent body reads as `{}`. */
export function jsonObject(body: string | null | undefined): Json {
  if (body === undefined || body === null || body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return fail('The request body is not valid JSON.', null, 'invalid_json');
  }
  if (!isObject(parsed)) return fail('The request body must be a JSON object.', null, 'invalid_json');
  const deep = tooDeep(parsed);
  if (deep) {
    const field = pathOf(deep.slice(0, 2));
    return fail(`'${field}' is nested deeper than ${MAX_JSON_DEPTH} levels.`, field, 'nesting_too_deep');
  }
  return parsed;
}

/** Unknown fields are refused rather than ignored: a typo ("lable") must not look like success. */
export function onlyKnown(body: Json, known: readonly string[], prefix = ''): void {
  for (const name of Object.keys(body)) {
    if (!known.includes(name)) {
      const quoted = `${prefix}${quote(name, 64)}`;
      fail(`Unknown parameter '${quoted}'. Allowed: ${known.join(', ')}.`, quoted, 'unknown_parameter');
    }
  }
}

// Control characters (C0 and C1) would corrupt tables in the CLI and logs; bidirectional overrides and
// isolates make text display as something other than it is (a label that reads "prod" but is not).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
/** With the u flag a well-formed pair is one code point, so this matches only unpaired surrogates. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** A text field: trimmed, `min` to `max` characters (code points), valid Unicode, nothing that hides what it says. */
export function text(value: unknown, param: string, min: number, max: number): string {
  if (typeof value !== 'string') return fail(`'${param}' must be a string.`, param, 'invalid_type');
  const trimmed = value.trim();
  const length = [...trimmed].length;
  if (length < min || length > max) {
    return fail(min > 0 ? `'${param}' must be ${min} to ${max} characters long (after trimming spaces).` : `'${param}' must be at most ${max} characters long.`, param);
  }
  if (LONE_SURROGATE.test(trimmed)) return fail(`'${param}' is not valid Unicode (it has an unpaired surrogate).`, param);
  if (CONTROL.test(trimmed)) return fail(`'${param}' must not contain control characters.`, param);
  if (BIDI.test(trimmed)) return fail(`'${param}' must not contain bidirectional override or isolate characters.`, param);
  return trimmed;
}

export function integer(value: unknown, param: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail(`'${param}' must be an integer.`, param, 'invalid_type');
  if (value < min || value > max) return fail(`'${param}' must be between ${min} and ${max}, got ${value}.`, param);
  return value;
}

export function oneOf<T extends string>(value: unknown, param: string, allowed: readonly T[]): T {
  if (typeof value !== 'string') return fail(`'${param}' must be a string, one of ${allowed.join(', ')}.`, param, 'invalid_type');
  if (!(allowed as readonly string[]).includes(value)) return fail(`'${param}' must be one of ${allowed.join(', ')}, got '${quote(value, 40)}'.`, param);
  return value as T;
}

/** Query-string integers arrive as text. */
export function queryInteger(value: string, param: string, min: number, max: number): number {
  if (!/^\d{1,16}$/.test(value)) return fail(`'${param}' must be an integer.`, param, 'invalid_type');
  return integer(Number(value), param, min, max);
}
