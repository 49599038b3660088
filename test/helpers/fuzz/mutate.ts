// Mutations of JSON request bodies for the fuzz test: wrong types, huge numbers, deep nesting, long strings,
// invalid UTF-8, unknown fields, removed fields, every value null, and bodies that are not JSON at all.
// A mutation is data (kind, position, payload), so fast-check can shrink it and print it; `applyMutations`
// turns a base value and a list of mutations into the exact bytes sent.
import fc from 'fast-check';

/** Bytes spliced into the body verbatim where a value would be (JSON.stringify cannot write them). */
const RAW = Symbol('raw');
interface Raw {
  [RAW]: Buffer;
}
const raw = (bytes: string | Buffer): Raw => ({ [RAW]: typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes });
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && RAW in v;

export type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'number'; at: number; text: string }
  | { kind: 'deep'; at: number; depth: number; open: '[' | '{"a":' }
  | { kind: 'long'; at: number; length: number; char: string }
  | { kind: 'bad-utf8'; at: number; bytes: readonly number[] }
  | { kind: 'unknown-field'; at: number; name: string; value: unknown }
  | { kind: 'remove'; at: number }
  | { kind: 'all-null' }
  | { kind: 'not-json'; text: string }
  | { kind: 'truncate'; keep: number };

const deepText = (depth: number, open: '[' | '{"a":') => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`;

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), fc.jsonValue({ maxDepth: 2 })) }),
  fc.record({
    kind: fc.constant('number' as const),
    at: fc.nat(),
    text: fc.constantFrom('1e400', '-1e400', '1e308', '-0', '123456789012345678901234567890', '1e-400', '9007199254740993', '2147483648', '-2147483649', '0.5', '1.0'),
  }),
  fc.record({ kind: fc.constant('deep' as const), at: fc.nat(), depth: fc.constantFrom(65, 200, 5_000, 30_000), open: fc.constantFrom('[' as const, '{"a":' as const) }),
  fc.record({ kind: fc.constant('long' as const), at: fc.nat(), length: fc.constantFrom(1_000, 100_000, 1_000_000), char: fc.constantFrom('x', 'é', '😀', '\u0000', '\u202e', '"', '\\') }),
  fc.record({
    kind: fc.constant('bad-utf8' as const),
    at: fc.nat(),
    // A lone continuation byte, an overlong "/", a UTF-8-encoded surrogate, a cut-off sequence, 0xFF.
    bytes: fc.constantFrom([0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff, 0xfe]),
  }),
  fc.record({ kind: fc.constant('unknown-field' as const), at: fc.nat(), name: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'x_op_internal')), value: fc.jsonValue({ maxDepth: 1 }) }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.constant({ kind: 'all-null' as const }),
  fc.record({ kind: fc.constant('not-json' as const), text: fc.constantFrom('', '{', 'null', '[]', '"x"', '42', '{"a":1}{', '\ufeff{}', 'NaN', '{"model": undefined}', '{\'model\': 1}') }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
);

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

/** Every position below the root, parents before children; raw splices are leaves. */
function slots(root: unknown): Slot[] {
  const out: Slot[] = [];
  const pending: unknown[] = [root];
  while (pending.length) {
    const node = pending.shift();
    if (typeof node !== 'object' || node === null || isRaw(node)) continue;
    for (const key of Array.isArray(node) ? node.keys() : Object.keys(node)) {
      out.push({ parent: node as Slot['parent'], key });
      pending.push((node as Record<string | number, unknown>)[key]);
    }
  }
  return out;
}

function objects(root: unknown): Array<Record<string, unknown>> {
  const found = [root, ...slots(root).map((s) => (s.parent as Record<string | number, unknown>)[s.key])];
  return found.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !isRaw(v));
}

function clone(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || isRaw(value)) return value;
  if (Array.isArray(value)) return value.map(clone);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
}

function nullAll(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullAll);
  if (typeof value === 'object' && value !== null && !isRaw(value)) return Object.fromEntries(Object.keys(value).map((k) => [k, null]));
  return null;
}

/**
 * The base's bytes after the mutations, applied in order. Positions wrap around, so any `at` is valid. The
 * base and the mutations are never changed: they are fast-check's values, replayed when it shrinks.
 */
export function applyMutations(base: unknown, mutations: readonly Mutation[]): Buffer {
  let value = clone(base);
  let text: Buffer | undefined;
  for (const m of mutations) {
    if (m.kind === 'not-json') return Buffer.from(m.text, 'utf8');
    if (m.kind === 'truncate') {
      text = encode(value);
      return text.subarray(0, m.keep % Math.max(text.length, 1));
    }
    if (m.kind === 'all-null') {
      value = nullAll(value);
      continue;
    }
    if (m.kind === 'unknown-field') {
      const targets = objects(value);
      if (targets.length) Object.defineProperty(targets[m.at % targets.length]!, m.name, { value: clone(m.value), enumerable: true, writable: true, configurable: true });
      continue;
    }
    const all = slots(value);
    if (!all.length) continue;
    const { parent, key } = all[m.at % all.length]!;
    const set = (v: unknown) => ((parent as Record<string | number, unknown>)[key] = v);
    switch (m.kind) {
      case 'replace':
        // A copy: fast-check hands out one instance of a constant, and it must never end up inside itself.
        set(clone(m.value));
        break;
      case 'number':
        set(raw(m.text));
        break;
      case 'deep':
        set(raw(deepText(m.depth, m.open)));
        break;
      case 'long':
        set(m.char.repeat(m.length));
        break;
      case 'bad-utf8':
        set(raw(Buffer.concat([Buffer.from('"a'), Buffer.from(m.bytes), Buffer.from('b"')])));
        break;
      case 'remove':
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key as string];
        break;
    }
  }
  return encode(value);
}

/** JSON bytes, with raw splices written as they are. */
export function encode(value: unknown): Buffer {
  const parts: Buffer[] = [];
  const write = (v: unknown): void => {
    if (isRaw(v)) parts.push(v[RAW]);
    else if (Array.isArray(v)) {
      parts.push(Buffer.from('['));
      v.forEach((item, i) => {
        if (i) parts.push(Buffer.from(','));
        write(item === undefined ? null : item);
      });
      parts.push(Buffer.from(']'));
    } else if (typeof v === 'object' && v !== null) {
      parts.push(Buffer.from('{'));
      Object.entries(v).forEach(([k, item], i) => {
        if (i) parts.push(Buffer.from(','));
        parts.push(Buffer.from(`${JSON.stringify(k)}:`));
        write(item === undefined ? null : item);
      });
      parts.push(Buffer.from('}'));
    } else parts.push(Buffer.from(JSON.stringify(v) ?? 'null'));
  };
  write(value);
  return Buffer.concat(parts);
}
