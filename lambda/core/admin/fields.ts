// Field readers for admin request bodies. Every rejection is a 400 whose `param` names the field, and a
// body is read completely before anything is written, so a rejected request changes nothing.
import { BadRequestError } from '../../wire/errors';

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
  return parsed;
}

/** Unknown fields are refused rather than ignored: a typo ("lable") must not look like success. */
export function onlyKnown(body: Json, known: readonly string[], prefix = ''): void {
  for (const name of Object.keys(body)) {
    if (!known.includes(name)) {
      fail(`Unknown parameter '${prefix}${name}'. Allowed: ${known.join(', ')}.`, `${prefix}${name}`, 'unknown_parameter');
    }
  }
}

// Control characters would corrupt tables in the CLI and logs.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function text(value: unknown, param: string, min: number, max: number): string {
  if (typeof value !== 'string') return fail(`'${param}' must be a string.`, param, 'invalid_type');
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) {
    return fail(
      min > 0 ? `'${param}' must be ${min} to ${max} characters long.` : `'${param}' must be at most ${max} characters long.`,
      param,
    );
  }
  if (CONTROL.test(trimmed)) return fail(`'${param}' must not contain control characters.`, param);
  return trimmed;
}

export function integer(value: unknown, param: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail(`'${param}' must be an integer.`, param, 'invalid_type');
  if (value < min || value > max) return fail(`'${param}' must be between ${min} and ${max}, got ${value}.`, param);
  return value;
}

export function oneOf<T extends string>(value: unknown, param: string, allowed: readonly T[]): T {
  if (typeof value !== 'string') return fail(`'${param}' must be a string, one of ${allowed.join(', ')}.`, param, 'invalid_type');
  if (!(allowed as readonly string[]).includes(value)) return fail(`'${param}' must be one of ${allowed.join(', ')}, got '${value}'.`, param);
  return value as T;
}

/** Query-string integers arrive as text. */
export function queryInteger(value: string, param: string, min: number, max: number): number {
  if (!/^\d{1,16}$/.test(value)) return fail(`'${param}' must be an integer.`, param, 'invalid_type');
  return integer(Number(value), param, min, max);
}
