// Validates bodies against OpenAI's published schemas, trimmed into test/fixtures/openai/schemas.json
// (source and MIT licence noted beside it). The spec mixes OpenAPI 3.0 `nullable` with 3.1 forms; Ajv
// understands both with strict mode off.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

/** OpenAPI 3.0's `nullable` (which Ajv only accepts beside `type`) rewritten as JSON Schema's anyOf null. */
function denullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(denullable);
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, denullable(v)]));
  return nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

type SchemaName = 'CreateChatCompletionResponse' | 'CreateChatCompletionStreamResponse' | 'ListModelsResponse' | 'ErrorResponse';

export function validator(): { assert(name: SchemaName, value: unknown): void } {
  const doc = JSON.parse(readFileSync(new URL('../fixtures/openai/schemas.json', import.meta.url), 'utf8')) as {
    components: { schemas: Record<string, unknown> };
  };
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: 'openai', components: denullable(doc.components) });
  return {
    assert(name, value) {
      const validate = ajv.getSchema(`openai#/components/schemas/${name}`);
      if (!validate) throw new Error(`no schema ${name}`);
      if (!validate(value)) {
        throw new Error(`${name} schema violation: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 500)}`);
      }
    },
  };
}
