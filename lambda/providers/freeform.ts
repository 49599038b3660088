// Freeform tools (OpenAI's custom tools) for providers that only know function tools: the tool becomes a
// function with one string parameter, `input`, and a freeform call from earlier turns is sent back as a
// function call with that argument. The way back (a function call that answers a freeform tool) is undone
// in the core, once for every provider (core/canonical/freeform.ts).
import type { AssistantPart } from '../core/canonical/content';
import type { Tool } from '../core/canonical/request';

export const FREEFORM_PARAMETERS = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The raw input for the tool.' } },
  required: ['input'],
  additionalProperties: false,
} as const;

/** Tools as function tools: freeform ones take their input as one string parameter. */
export function asFunctionTools(tools: readonly Tool[]): Tool[] {
  return tools.map((t) => (t.freeform ? { name: t.name, ...(t.description !== undefined && { description: t.description }), parameters: { ...FREEFORM_PARAMETERS } } : t));
}

/** The JSON arguments a function call carries: a freeform call's raw input wrapped as {"input": …}. */
export function functionArguments(part: Extract<AssistantPart, { type: 'tool-call' }>): string {
  return part.freeform ? JSON.stringify({ input: part.arguments }) : part.arguments;
}
