// Structured output that holds on every model: whatever enforced it upstream (the provider's schema mode or
// a forced tool call), the answer is checked here before it is handed back: JSON that parses, an object for
// a JSON-object request, valid against the schema for a schema request. A schema that does not compile is
// the request's fault (400 before any call); an answer that fails the check is the route's (fallback before
// the first byte, an error event after it). Validators are compiled once per schema and kept (bounded).
import { BadRequestError, UpstreamError } from '../wire/errors';
import type { OutputFormat } from './canonical/request';

export type OutputCheck = (text: string) => string | undefined;

type Validate = ((value: unknown) => boolean) & { errors?: Array<{ instancePath?: string; message?: string }> | null };

let ajvModule: Promise<typeof import('ajv/dist/2020')> | undefined;
/** Loaded on the first schema request: most traffic never needs a validator. */
const loadAjv = () => (ajvModule ??= import('ajv/dist/2020'));

const CACHE_SIZE = 100;
const compiled = new Map<string, Validate>();
let ajv: { compile(schema: object): Validate } | undefined;

async function validatorFor(schema: Record<string, unknown>): Promise<Validate> {
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) {
    compiled.delete(key);
    compiled.set(key, hit);
    return hit;
  }
  if (!ajv) {
    const mod = await loadAjv();
    const Ajv = (mod as unknown as { default: new (o: object) => { compile(schema: object): Validate } }).default;
    // Formats are not checked (no format plugin): providers do not enforce them either.
    ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false, validateSchema: true });
  }
  // A $schema naming another draft would make Ajv look for a meta-schema it does not hold.
  const { $schema: _draft, ...rest } = schema;
  const validate = ajv.compile(rest);
  compiled.set(key, validate);
  if (compiled.size > CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
  return validate;
}

/**
 * The check for a request's output format, or undefined when any text will do. Throws 400 naming
 * `response_format` when the schema is not one a validator can use.
 */
export async function outputCheck(output: OutputFormat | undefined): Promise<OutputCheck | undefined> {
  if (!output || output.type === 'text') return undefined;
  if (output.type === 'json') {
    return (text) => {
      const value = parse(text);
      return value.ok && typeof value.value === 'object' && value.value !== null && !Array.isArray(value.value) ? undefined : 'the answer is not a JSON object';
    };
  }
  let validate: Validate;
  try {
    validate = await validatorFor(output.schema);
  } catch (err) {
    throw new BadRequestError(`The JSON schema '${output.name}' is not valid: ${err instanceof Error ? err.message.slice(0, 200) : 'it cannot be compiled'}.`, {
      param: 'response_format',
      code: 'invalid_json_schema',
    });
  }
  return (text) => {
    const value = parse(text);
    if (!value.ok) return 'the answer is not JSON';
    if (validate(value.value)) return undefined;
    const e = validate.errors?.[0];
    return `the answer does not match the schema (${e?.instancePath || '/'} ${e?.message ?? 'is invalid'})`;
  };
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The failure of a route whose answer broke the requested format. */
export function formatViolation(provider: string, why: string): UpstreamError {
  return new UpstreamError(`${provider} answered outside the requested format: ${why}`, 'schema');
}
