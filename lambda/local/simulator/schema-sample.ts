// A JSON value valid against a JSON Schema, made up deterministically from a seed: how the simulator
// answers structured output and tool calls, as a provider with a schema mode would. It covers the schema
// vocabulary clients send for structured output (types and type lists, enum, const, properties and
// required, items, prefixItems, min/max counts and lengths, numeric bounds, anyOf/oneOf/allOf, $ref into
// $defs or definitions, common formats); what it cannot satisfy it approximates.

type Schema = Record<string, unknown>;

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

export function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolve(ref: string, root: Schema): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const segment of ref.slice(1).split('/').filter(Boolean)) {
    if (!isSchema(node)) return undefined;
    node = node[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isSchema(node) ? node : undefined;
}

function formatted(format: unknown, seed: string): string | undefined {
  const n = hash(seed);
  switch (format) {
    case 'date-time':
      return new Date(Date.UTC(2026, n % 12, 1 + (n % 28), n % 24)).toISOString();
    case 'date':
      return new Date(Date.UTC(2026, n % 12, 1 + (n % 28))).toISOString().slice(0, 10);
    case 'email':
      return `${WORDS[n % WORDS.length]}@example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/${WORDS[n % WORDS.length]}`;
    case 'uuid':
      return `00000000-0000-4000-8000-${String(n % 1e12).padStart(12, '0')}`;
    default:
      return undefined;
  }
}

function str(s: Schema, seed: string): string {
  const f = formatted(s.format, seed);
  if (f) return f;
  let v = WORDS[hash(seed) % WORDS.length] as string;
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  while (v.length < min) v += 'x';
  return v.slice(0, max);
}

function num(s: Schema, seed: string, integer: boolean): number {
  let lo = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + (integer ? 1 : 0.5) : 0;
  let hi = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - (integer ? 1 : 0.5) : lo + 100;
  if (integer) [lo, hi] = [Math.ceil(lo), Math.floor(hi)];
  if (hi < lo) hi = lo;
  const span = hi - lo;
  const v = lo + (span === 0 ? 0 : hash(seed) % (integer ? span + 1 : Math.max(1, Math.floor(span))));
  return integer ? Math.round(v) : v;
}

export function sampleSchema(schema: unknown, seed: string, root: Schema = isSchema(schema) ? schema : {}, depth = 0): unknown {
  if (!isSchema(schema) || depth > 32) return null;
  if (typeof schema.$ref === 'string') return sampleSchema(resolve(schema.$ref, root), seed, root, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[hash(seed) % schema.enum.length];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length) {
      // The first option that is not null-only, so nullable unions still produce a value.
      const pick = options.find((o) => !(isSchema(o) && o.type === 'null')) ?? options[0];
      return sampleSchema(isSchema(pick) ? { ...schema, [key]: undefined, ...pick } : pick, seed, root, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length) {
    const merged: Schema = { ...schema, allOf: undefined };
    for (const part of schema.allOf) {
      if (!isSchema(part)) continue;
      const props = { ...(merged.properties as Schema | undefined), ...(part.properties as Schema | undefined) };
      const required = [...((merged.required as string[] | undefined) ?? []), ...((part.required as string[] | undefined) ?? [])];
      Object.assign(merged, part, { properties: props, required });
    }
    return sampleSchema(merged, seed, root, depth + 1);
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? 'null';
  if (type === undefined) type = isSchema(schema.properties) ? 'object' : schema.items ? 'array' : 'string';
  switch (type) {
    case 'object': {
      const props = isSchema(schema.properties) ? schema.properties : {};
      const entries: Array<[string, unknown]> = Object.entries(props).map(([name, sub]) => [name, sampleSchema(sub, `${seed}.${name}`, root, depth + 1)]);
      // A required name the properties do not describe may hold any value (a string will do), as a model's would.
      for (const name of Array.isArray(schema.required) ? (schema.required as unknown[]) : []) {
        if (typeof name === 'string' && !Object.hasOwn(props, name)) entries.push([name, str({}, `${seed}.${name}`)]);
      }
      const out: Record<string, unknown> = Object.fromEntries(entries);
      const min = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
      for (let i = Object.keys(out).length; i < min; i++) out[`extra_${i}`] = WORDS[i % WORDS.length];
      return out;
    }
    case 'array': {
      const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
      const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : Math.max(min, 1);
      const count = Math.max(prefix.length, Math.min(Math.max(min, 1), max));
      return Array.from({ length: count }, (_, i) => sampleSchema(prefix[i] ?? schema.items ?? {}, `${seed}[${i}]`, root, depth + 1));
    }
    case 'integer':
      return num(schema, seed, true);
    case 'number':
      return num(schema, seed, false);
    case 'boolean':
      return hash(seed) % 2 === 0;
    case 'null':
      return null;
    default:
      return str(schema, seed);
  }
}
