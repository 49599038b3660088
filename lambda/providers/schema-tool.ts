// Structured output for providers without a schema mode of their own (Anthropic, Bedrock Converse, OpenAI-
// compatible hosts without json_schema): the schema becomes the input schema of one extra tool, the tool
// choice makes the model call it, and the call's input comes back as the answer's text. Written once here;
// each adapter plans it on the way out and unwraps it on the way back.
import type { AssistantPart } from '../core/canonical/content';
import type { CanonicalRequest, Tool, ToolChoice } from '../core/canonical/request';
import type { CanonicalResult, StreamPart } from '../core/canonical/result';

export interface SchemaToolPlan {
  /** The tools to send: the client's, plus the schema tool. */
  tools: Tool[];
  toolChoice?: ToolChoice;
  /** The schema tool's name: a call to it is the answer. */
  name: string;
}

/** A tool name no client tool can collide with: tool names the dialects accept never start with "__". */
const NAME = '__json_output';

/**
 * The tools and tool choice that make a model answer in JSON, or undefined when the request asks for no
 * JSON (or the provider enforces schemas itself). The client's own tool choice keeps its meaning: with tools
 * it may call, the model must call some tool (one of them, or the schema tool to answer); a named tool
 * stays named; otherwise the schema tool is forced.
 */
export function planSchemaTool(request: CanonicalRequest): SchemaToolPlan | undefined {
  const output = request.output;
  if (!output || output.type === 'text') return undefined;
  const schemaTool: Tool =
    output.type === 'json_schema'
      ? { name: NAME, description: `Answer by calling this tool with the response (${output.name}${output.description ? `: ${output.description}` : ''}).`, parameters: output.schema }
      : { name: NAME, description: 'Answer by calling this tool with the response as a JSON object.', parameters: { type: 'object' } };
  const clientTools = request.tools ?? [];
  const choice = request.toolChoice;
  const tools = [...clientTools, schemaTool];
  if (choice?.type === 'tool') return { tools, toolChoice: choice, name: NAME };
  if (clientTools.length > 0 && choice?.type !== 'none') return { tools, toolChoice: { type: 'required' }, name: NAME };
  return { tools: choice?.type === 'none' ? [schemaTool] : tools, toolChoice: { type: 'tool', name: NAME }, name: NAME };
}

/** A whole answer with the schema tool's call turned back into text. */
export function unwrapSchemaResult(result: CanonicalResult, plan: SchemaToolPlan | undefined): CanonicalResult {
  if (!plan) return result;
  let answered = false;
  const content = result.content.map((p): AssistantPart => {
    if (p.type !== 'tool-call' || p.name !== plan.name) return p;
    answered = true;
    return { type: 'text', text: p.arguments };
  });
  const onlyAnswer = answered && !content.some((p) => p.type === 'tool-call');
  return { ...result, content, reason: onlyAnswer && result.reason === 'tool_calls' ? 'stop' : result.reason };
}

/** The same for a stream: the schema tool's input arrives as text deltas. */
export async function* unwrapSchemaStream(parts: AsyncIterable<StreamPart>, plan: SchemaToolPlan | undefined): AsyncGenerator<StreamPart> {
  if (!plan) {
    yield* parts;
    return;
  }
  const answers = new Set<number>();
  let otherCalls = false;
  for await (const part of parts) {
    if (part.type === 'tool-input-start') {
      if (part.name === plan.name) {
        answers.add(part.index);
        yield { type: 'text-start', index: part.index };
      } else {
        otherCalls = true;
        yield part;
      }
    } else if (part.type === 'tool-input-delta' && answers.has(part.index)) {
      yield { type: 'text-delta', index: part.index, text: part.json };
    } else if (part.type === 'tool-input-end' && answers.has(part.index)) {
      yield { type: 'text-end', index: part.index };
    } else if (part.type === 'finish' && answers.size > 0 && !otherCalls && part.reason === 'tool_calls') {
      yield { ...part, reason: 'stop' };
    } else {
      yield part;
    }
  }
}
