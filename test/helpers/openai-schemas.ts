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

export type SchemaName =
  | 'CreateChatCompletionResponse'
  | 'CreateChatCompletionStreamResponse'
  | 'ListModelsResponse'
  | 'Model'
  | 'ErrorResponse'
  | 'CreateChatCompletionRequest'
  | 'Response';

/** The schema of each Responses stream event, by its `type`. */
const EVENT_SCHEMAS: Record<string, string> = {
  'response.created': 'ResponseCreatedEvent',
  'response.in_progress': 'ResponseInProgressEvent',
  'response.completed': 'ResponseCompletedEvent',
  'response.incomplete': 'ResponseIncompleteEvent',
  'response.failed': 'ResponseFailedEvent',
  error: 'ResponseErrorEvent',
  'response.output_item.added': 'ResponseOutputItemAddedEvent',
  'response.output_item.done': 'ResponseOutputItemDoneEvent',
  'response.content_part.added': 'ResponseContentPartAddedEvent',
  'response.content_part.done': 'ResponseContentPartDoneEvent',
  'response.output_text.delta': 'ResponseTextDeltaEvent',
  'response.output_text.done': 'ResponseTextDoneEvent',
  'response.function_call_arguments.delta': 'ResponseFunctionCallArgumentsDeltaEvent',
  'response.function_call_arguments.done': 'ResponseFunctionCallArgumentsDoneEvent',
  'response.custom_tool_call_input.delta': 'ResponseCustomToolCallInputDeltaEvent',
  'response.custom_tool_call_input.done': 'ResponseCustomToolCallInputDoneEvent',
  'response.reasoning_summary_part.added': 'ResponseReasoningSummaryPartAddedEvent',
  'response.reasoning_summary_part.done': 'ResponseReasoningSummaryPartDoneEvent',
  'response.reasoning_summary_text.delta': 'ResponseReasoningSummaryTextDeltaEvent',
  'response.reasoning_summary_text.done': 'ResponseReasoningSummaryTextDoneEvent',
};

export interface OpenAISchemas {
  assert(name: SchemaName, value: unknown): void;
  /** A Responses stream event, against the schema of its own type (an unknown type fails). */
  assertEvent(event: { type?: unknown }): void;
  /** The schema document itself (for generating request bodies). */
  readonly components: Record<string, unknown>;
}

let cached: OpenAISchemas | undefined;

export function validator(): OpenAISchemas {
  if (cached) return cached;
  const doc = JSON.parse(readFileSync(new URL('../fixtures/openai/schemas.json', import.meta.url), 'utf8')) as {
    components: { schemas: Record<string, unknown> };
  };
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: 'openai', components: denullable(doc.components) });
  const check = (name: string, value: unknown) => {
    const validate = ajv.getSchema(`openai#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    if (!validate(value)) {
      throw new Error(`${name} schema violation: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 800)}`);
    }
  };
  cached = {
    assert: check,
    assertEvent(event) {
      const name = typeof event.type === 'string' ? EVENT_SCHEMAS[event.type] : undefined;
      if (!name) throw new Error(`no schema for stream event ${String(event.type)}`);
      check(name, event);
    },
    components: doc.components.schemas,
  };
  return cached;
}
