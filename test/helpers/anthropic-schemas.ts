// Validates Messages API answers against the schemas in test/fixtures/anthropic/schemas.json (written from
// Anthropic's API reference; the documented examples beside it are checked against them).
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020';

export type AnthropicSchemaName = 'Message' | 'StreamEvent' | 'ErrorResponse' | 'CountTokensResponse';

export interface AnthropicSchemas {
  assert(name: AnthropicSchemaName, value: unknown): void;
}

let cached: AnthropicSchemas | undefined;

export function anthropicValidator(): AnthropicSchemas {
  if (cached) return cached;
  const doc = JSON.parse(readFileSync(new URL('../fixtures/anthropic/schemas.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ ...doc, $id: 'anthropic' });
  cached = {
    assert(name, value) {
      const validate = ajv.getSchema(`anthropic#/$defs/${name}`);
      if (!validate) throw new Error(`no schema ${name}`);
      if (!validate(value)) throw new Error(`${name} schema violation: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 800)}`);
    },
  };
  return cached;
}
