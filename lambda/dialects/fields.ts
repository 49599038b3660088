// Field validation every dialect parser shares: typed readers that throw a 400 naming the field (in the
// dialect's own path style, e.g. "messages[2].content"), and the unknown-field check. Client input quoted in
// a message is cut short (wire/json.ts quote()).
import { BadRequestError } from '../wire/errors';
import { quote } from '../wire/json';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function fail(message: string, param: string, code = 'invalid_value'): never {
  throw new BadRequestError(message, { param, code });
}

/** Rejects the first field that is neither known nor accepted-and-ignored, naming it. */
export function rejectUnknown(body: Json, known: ReadonlySet<string>, ignored: ReadonlySet<string> = new Set(), prefix = ''): void {
  for (const key of Object.keys(body)) {
    if (!known.has(key) && !ignored.has(key)) {
      const name = quote(key, 64);
      throw new BadRequestError(`Unrecognized request argument supplied: ${prefix}${name}`, { param: `${prefix}${name}`, code: 'unknown_parameter' });
    }
  }
}

/** Readers for one object's fields; `at` is the object's own path ('' for the body). */
export class Fields {
  constructor(
    readonly body: Json,
    private readonly at = '',
  ) {}

  path(name: string): string {
    return this.at ? `${this.at}.${name}` : name;
  }

  has(name: string): boolean {
    return this.body[name] !== undefined && this.body[name] !== null;
  }

  number(name: string, min: number, max: number): number | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    const p = this.path(name);
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`'${p}' must be a number.`, p);
    if (v < min || v > max) return fail(`'${p}' must be between ${min} and ${max}, got ${v}.`, p);
    return v;
  }

  int(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    const p = this.path(name);
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return fail(`'${p}' must be an integer.`, p);
    if (v < min || v > max) return fail(`'${p}' must be ${max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`}, got ${v}.`, p);
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') return fail(`'${this.path(name)}' must be a boolean.`, this.path(name));
    return v;
  }

  string(name: string, options: { required?: boolean; nonEmpty?: boolean; max?: number } = {}): string | undefined {
    const v = this.body[name];
    const p = this.path(name);
    if (v === undefined || v === null) return options.required ? fail(`'${p}' is required.`, p, 'missing_required_parameter') : undefined;
    if (typeof v !== 'string') return fail(`'${p}' must be a string.`, p);
    if (options.nonEmpty && v === '') return fail(`'${p}' must not be empty.`, p);
    if (options.max !== undefined && v.length > options.max) return fail(`'${p}' must be at most ${options.max} characters long.`, p);
    return v;
  }

  object(name: string): Json | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) return fail(`'${this.path(name)}' must be an object.`, this.path(name));
    return v;
  }

  array(name: string, options: { required?: boolean; nonEmpty?: boolean } = {}): unknown[] | undefined {
    const v = this.body[name];
    const p = this.path(name);
    if (v === undefined || v === null) return options.required ? fail(`'${p}' is required.`, p, 'missing_required_parameter') : undefined;
    if (!Array.isArray(v)) return fail(`'${p}' must be an array.`, p);
    if (options.nonEmpty && v.length === 0) return fail(`'${p}' must not be empty.`, p);
    return v;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    const p = this.path(name);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) return fail(`'${p}' must be one of ${values.join(', ')}.`, p);
    return v as T;
  }
}

/** Function and tool names as every API allows them; names starting "__" are the gateway's own. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function toolName(v: unknown, param: string): string {
  if (typeof v !== 'string' || !TOOL_NAME.test(v)) return fail(`'${param}' must match ^[a-zA-Z0-9_-]{1,64}$.`, param);
  if (v.startsWith('__')) return fail(`'${param}': names starting with "__" are reserved by the gateway.`, param);
  return v;
}

/** `routing`, the gateway's extension for model "auto". */
export const ROUTING_MODES = ['cost', 'speed', 'quality'] as const;

/** At most 4 stop sequences, none empty (OpenAI's rule; the strictest of the providers'). */
export function stopSequences(v: unknown, param: string, max = 4): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length > max || list.some((s) => typeof s !== 'string' || s.length === 0)) {
    return fail(`'${param}' must be a string or an array of up to ${max} non-empty strings.`, param);
  }
  return list as string[];
}

/** A JSON schema where one is expected: an object (its depth was checked when the body was parsed). */
export function schemaObject(v: unknown, param: string): Json {
  if (!isObject(v)) return fail(`'${param}' must be a JSON schema object.`, param);
  return v;
}

/** `{ [key]: value }` when the value is set, else nothing: optional fields stay absent, never undefined. */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
