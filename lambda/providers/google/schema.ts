// Gemini reads `parameters` and `responseSchema` as its OpenAPI-3 Schema subset and rejects a request with
// any keyword outside it ("Invalid JSON payload received. Unknown name \"additionalProperties\""), while
// OpenAI clients routinely send full JSON Schema. This quirk lives here, and only here.

/** Keywords Gemini's Schema object has no field for; dropping them only loosens the constraint. */
const UNSUPPORTED = new Set([
  '$schema',
  '$id',
  '$comment',
  'additionalProperties',
  'unevaluatedProperties',
  'patternProperties',
  'examples',
  'strict',
]);

/** Keywords whose value is a map of property name -> schema: the names are data, never keywords. */
const SCHEMA_MAPS = new Set(['properties', '$defs', 'definitions']);
/** Keywords whose value is a schema or a list of schemas. */
const SCHEMA_VALUES = new Set(['items', 'anyOf', 'oneOf', 'allOf', 'not']);

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy of a JSON schema Gemini accepts. Walks only schema positions, so a property that happens to be
 * called "additionalProperties" survives. `type: ["string", "null"]` becomes `type: "string", nullable: true`
 * because Gemini's `type` is a single enum value.
 */
export function toGeminiSchema(schema: Json): Json {
  // Built from entries, so a client's key named "__proto__" stays a plain own key, never a prototype.
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(schema)) {
    if (UNSUPPORTED.has(key)) continue;
    if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      if (types.length < value.length) out.push(['nullable', true]);
      if (types.length === 1) out.push(['type', types[0]]);
      else if (types.length > 1) out.push(['anyOf', types.map((t) => ({ type: t }))]);
      continue;
    }
    if (SCHEMA_MAPS.has(key) && isObject(value)) {
      out.push([key, Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, isObject(sub) ? toGeminiSchema(sub) : sub]))]);
      continue;
    }
    if (SCHEMA_VALUES.has(key)) {
      out.push([key, Array.isArray(value) ? value.map((sub) => (isObject(sub) ? toGeminiSchema(sub) : sub)) : isObject(value) ? toGeminiSchema(value) : value]);
      continue;
    }
    out.push([key, value]);
  }
  return Object.fromEntries(out) as Json;
}
