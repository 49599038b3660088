// fast-check arbitraries generated from OpenAI's published JSON schemas (the trimmed fixture): values that
// follow the schema's types, enums, required fields and bounds, used by the fuzz test as the valid side
// of the bodies it then mutates. Depth-bounded: past `maxDepth` $refs an object keeps only its required
// fields and an array is as short as it may be, so recursive schemas terminate.
import fc from 'fast-check';

type Schema = Record<string, unknown>;

export interface SchemaArbitraries {
  of(name: string): fc.Arbitrary<unknown>;
}

const MAX_ITEMS = 3;
const MAX_STRING = 24;

export function schemaArbitraries(schemas: Record<string, unknown>, maxDepth = 4): SchemaArbitraries {
  const cache = new Map<string, fc.Arbitrary<unknown>>();

  const ref = (path: string, depth: number): fc.Arbitrary<unknown> => {
    const name = path.split('/').at(-1)!;
    const key = `${name}@${Math.min(depth, maxDepth + 1)}`;
    let hit = cache.get(key);
    if (!hit) {
      // Placeholder first: a schema that reaches itself at the same depth bucket gets the shallow form.
      cache.set(key, fc.constant(null));
      hit = build(schemas[name] as Schema, depth + 1);
      cache.set(key, hit);
    }
    return hit;
  };

  const build = (schema: Schema | undefined, depth: number): fc.Arbitrary<unknown> => {
    if (!schema || typeof schema !== 'object') return fc.jsonValue({ maxDepth: 1 });
    const shallow = depth > maxDepth;
    if (typeof schema.$ref === 'string') return ref(schema.$ref, depth);
    if ('const' in schema) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    const typed = typedArbitrary(schema, depth, shallow);
    const composite = compositeArbitrary(schema, depth);
    // A schema with both (properties beside an allOf, say) yields the composite's value with its own merged in.
    const value = typed && composite ? fc.tuple(composite, typed).map(([a, b]) => merge([a, b])) : (typed ?? composite ?? fc.jsonValue({ maxDepth: 1 }));
    return schema.nullable === true ? fc.option(value, { nil: null, freq: 5 }) : value;
  };

  const compositeArbitrary = (schema: Schema, depth: number): fc.Arbitrary<unknown> | undefined => {
    const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
    if (variants?.length) return fc.oneof(...variants.map((v) => build(v, depth)));
    if (Array.isArray(schema.allOf)) return fc.tuple(...(schema.allOf as Schema[]).map((p) => build(p, depth))).map(merge);
    return undefined;
  };

  const typedArbitrary = (schema: Schema, depth: number, shallow: boolean): fc.Arbitrary<unknown> | undefined => {
    const type = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : undefined;
    if (!type) return schema.properties ? objectOf(schema, depth, shallow) : undefined;
    return fc.oneof(...type.map((t) => single(t, schema, depth, shallow)));
  };

  const single = (type: string, schema: Schema, depth: number, shallow: boolean): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'string': {
        const minLength = Number(schema.minLength ?? 0);
        return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(Number(schema.maxLength ?? MAX_STRING), MAX_STRING)) });
      }
      case 'integer':
        // fc.integer takes 32-bit bounds; the schemas' 64-bit ones (seed) are clamped, huge values are the mutations' job.
        return fc.integer({ min: Math.max(Number(schema.minimum ?? -1_000), -(2 ** 31)), max: Math.min(Number(schema.maximum ?? 100_000), 2 ** 31 - 1) });
      case 'number':
        return fc.double({ min: Number(schema.minimum ?? -1_000), max: Number(schema.maximum ?? 1_000), noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const minLength = Number(schema.minItems ?? 0);
        const maxLength = shallow ? minLength : Math.max(minLength, Math.min(Number(schema.maxItems ?? MAX_ITEMS), MAX_ITEMS));
        return fc.array(build(schema.items as Schema | undefined, depth), { minLength, maxLength });
      }
      case 'object':
        return objectOf(schema, depth, shallow);
      default:
        return fc.jsonValue({ maxDepth: 1 });
    }
  };

  const objectOf = (schema: Schema, depth: number, shallow: boolean): fc.Arbitrary<unknown> => {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const names = Object.keys(properties).filter((n) => required.has(n) || !shallow);
    if (!names.length) {
      const extra = schema.additionalProperties;
      if (isObject(extra) && !shallow) return fc.dictionary(fc.string({ maxLength: 8 }), build(extra as Schema, depth), { maxKeys: MAX_ITEMS });
      return fc.constant({});
    }
    const model = Object.fromEntries(names.map((n) => [n, build(properties[n], depth)]));
    return fc.record(model, { requiredKeys: names.filter((n) => required.has(n)) });
  };

  return { of: (name) => ref(`#/components/schemas/${name}`, 0) };
}

/** allOf's meaning for objects: one value with every part's fields; otherwise the first part stands. */
function merge(values: unknown[]): unknown {
  return values.every(isObject) ? Object.assign({}, ...values) : values[0];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
