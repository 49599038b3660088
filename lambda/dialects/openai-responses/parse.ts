// POST /v1/responses: OpenAI's Responses request, validated, into the canonical request plus what the
// dialect itself needs (state, echoes). `input` may continue a stored conversation (previous_response_id),
// which state.ts resolves; this file only reads the body.
import type { Message } from '../../core/canonical/content';
import type { CanonicalRequest, OutputFormat, ReasoningConfig, ReasoningEffort, RoutingMode, Tool, ToolChoice } from '../../core/canonical/request';
import { BadRequestError } from '../../wire/errors';
import { parseJsonBody } from '../../wire/json';
import { Fields, ROUTING_MODES, fail, isObject, opt, rejectUnknown, schemaObject, toolName, type Json } from '../fields';

const KNOWN = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'text', 'max_output_tokens', 'temperature',
  'top_p', 'reasoning', 'metadata', 'store', 'previous_response_id', 'include', 'user', 'stream', 'stream_options', 'routing',
  'truncation', 'background', 'conversation', 'prompt', 'moderation', 'context_management',
]);
/** Accepted for compatibility with current SDKs and ignored: they change nothing the gateway promises. */
const IGNORED = new Set(['service_tier', 'prompt_cache_key', 'prompt_cache_retention', 'prompt_cache_options', 'safety_identifier', 'top_logprobs', 'max_tool_calls']);
const INCLUDABLE = new Set([
  'reasoning.encrypted_content', 'message.output_text.logprobs', 'message.input_image.image_url', 'file_search_call.results',
  'web_search_call.results', 'web_search_call.action.sources', 'computer_call_output.output.image_url', 'code_interpreter_call.outputs',
]);
const EFFORTS: readonly string[] = ['none', 'minimal', 'low', 'medium', 'high'];
/** Fields that hold client JSON, named when it is nested too deep. */
const SCHEMA_FIELDS = [/^tools\[\d+\]\.parameters/, /^text\.format\.schema/, /^input\[\d+\]/];

/** What the Responses dialect keeps of the request to shape and store its answer. */
export interface ResponsesOptions {
  instructions: string | null;
  previousResponseId?: string;
  store: boolean;
  includeEncrypted: boolean;
  metadata: Record<string, string>;
  /** Echoed on the response object as the client set them. */
  echo: {
    tools: Tool[];
    toolChoice: ToolChoice | undefined;
    parallelToolCalls: boolean;
    format: OutputFormat;
    temperature: number | null;
    topP: number | null;
    maxOutputTokens: number | null;
    reasoning: { effort: string | null; summary: string | null } | null;
    truncation: 'auto' | 'disabled';
    user: string | null;
  };
}

export interface ParsedResponsesRequest {
  /** Everything but `input`, which may need stored items to resolve. */
  request: Omit<CanonicalRequest, 'messages'>;
  input: unknown;
  options: ResponsesOptions;
}

function tools(v: unknown[]): Tool[] {
  return v.map((t, i) => {
    const at = `tools[${i}]`;
    if (!isObject(t)) return fail(`'${at}' must be an object.`, at);
    if (t.type === 'custom') {
      // A freeform tool (Codex's apply_patch): raw text input, held to its grammar where OpenAI serves it.
      const name = toolName(t.name, `${at}.name`);
      if (t.description !== undefined && typeof t.description !== 'string') return fail(`'${at}.description' must be a string.`, `${at}.description`);
      if (t.format !== undefined && !isObject(t.format)) return fail(`'${at}.format' must be an object.`, `${at}.format`);
      return {
        name,
        ...(typeof t.description === 'string' ? { description: t.description } : {}),
        parameters: { type: 'object', properties: { input: { type: 'string' } }, required: ['input'] },
        freeform: isObject(t.format) ? { format: t.format } : {},
      };
    }
    if (t.type !== 'function') {
      const type = typeof t.type === 'string' ? t.type.slice(0, 64) : String(t.type);
      return fail(`'${at}.type' ${type} is not supported: this gateway serves function and custom tools only.`, `${at}.type`, 'unsupported_tool');
    }
    const name = toolName(t.name, `${at}.name`);
    if (t.description !== undefined && t.description !== null && typeof t.description !== 'string') return fail(`'${at}.description' must be a string.`, `${at}.description`);
    const parameters = t.parameters === undefined || t.parameters === null ? { type: 'object', properties: {} } : schemaObject(t.parameters, `${at}.parameters`);
    return {
      name,
      ...(typeof t.description === 'string' ? { description: t.description } : {}),
      parameters,
      // The Responses API makes function tools strict unless told otherwise.
      strict: typeof t.strict === 'boolean' ? t.strict : true,
    };
  });
}

function toolChoice(v: unknown, names: readonly string[]): ToolChoice {
  if (v === 'none' || v === 'auto' || v === 'required') return { type: v };
  if (isObject(v) && (v.type === 'function' || v.type === 'custom') && typeof v.name === 'string') {
    if (!names.includes(v.name)) return fail(`'tool_choice' names a tool that is not in 'tools'.`, 'tool_choice');
    return { type: 'tool', name: v.name };
  }
  return fail(`'tool_choice' must be none, auto, required or {"type": "function" | "custom", "name"}.`, 'tool_choice');
}

function textFormat(text: Json | undefined): OutputFormat {
  const format = text?.format;
  if (format === undefined || format === null) return { type: 'text' };
  if (!isObject(format)) return fail(`'text.format' must be an object.`, 'text.format');
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json' };
  if (format.type === 'json_schema') {
    if (typeof format.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(format.name)) {
      return fail(`'text.format.name' is required and must match ^[a-zA-Z0-9_-]{1,64}$.`, 'text.format.name');
    }
    return {
      type: 'json_schema',
      name: format.name,
      ...(typeof format.description === 'string' ? { description: format.description } : {}),
      schema: schemaObject(format.schema, 'text.format.schema'),
      ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}),
    };
  }
  return fail(`'text.format.type' must be text, json_object or json_schema.`, 'text.format.type');
}

function metadata(v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return fail(`'metadata' must be an object of strings.`, 'metadata');
  const entries = Object.entries(v);
  if (entries.length > 16) return fail(`'metadata' may hold at most 16 pairs.`, 'metadata');
  for (const [k, val] of entries) {
    if (k.length > 64 || typeof val !== 'string' || val.length > 512) {
      return fail(`'metadata' keys must be at most 64 characters and values strings of at most 512.`, 'metadata');
    }
  }
  return v as Record<string, string>;
}

function reasoning(v: Json | undefined): { config?: ReasoningConfig; echo: ResponsesOptions['echo']['reasoning'] } {
  if (!v) return { echo: null };
  const f = new Fields(v, 'reasoning');
  rejectUnknown(v, new Set(['effort', 'summary', 'generate_summary']), new Set(), 'reasoning.');
  const effort = f.oneOf('effort', EFFORTS);
  const summary = f.oneOf<'auto' | 'concise' | 'detailed'>('summary', ['auto', 'concise', 'detailed']) ?? f.oneOf<'auto' | 'concise' | 'detailed'>('generate_summary', ['auto', 'concise', 'detailed']);
  const config: ReasoningConfig = { ...(effort && effort !== 'none' ? { effort: effort as ReasoningEffort } : {}), ...(summary ? { summary } : {}) };
  return { ...(effort !== 'none' ? { config } : {}), echo: { effort: effort ?? null, summary: summary ?? null } };
}

export function parseResponsesRequest(raw: string | undefined): ParsedResponsesRequest {
  const body = parseJsonBody(raw, 'The OpenAI API', SCHEMA_FIELDS);
  if (!isObject(body)) throw new BadRequestError('The request body must be a JSON object.', { code: 'invalid_json' });
  rejectUnknown(body, KNOWN, IGNORED);
  const f = new Fields(body);
  for (const name of ['background', 'conversation', 'prompt', 'moderation', 'context_management'] as const) {
    if (f.has(name) && body[name] !== false) fail(`'${name}' is not supported by this gateway.`, name, 'unsupported_parameter');
  }
  const model = f.string('model', { required: true, nonEmpty: true }) as string;
  if (body.input === undefined || body.input === null) fail(`'input' is required.`, 'input', 'missing_required_parameter');
  const instructions = f.string('instructions') ?? null;
  const toolList = tools(f.array('tools') ?? []);
  const choice = body.tool_choice === undefined || body.tool_choice === null ? undefined : toolChoice(body.tool_choice, toolList.map((t) => t.name));
  const text = f.object('text');
  if (text) rejectUnknown(text, new Set(['format', 'verbosity']), new Set(), 'text.');
  const format = textFormat(text);
  const { config: reasoningConfig, echo: reasoningEcho } = reasoning(f.object('reasoning'));
  const include = f.array('include') ?? [];
  include.forEach((v, i) => {
    if (typeof v !== 'string' || !INCLUDABLE.has(v)) fail(`'include[${i}]' is not a value this API accepts.`, `include[${i}]`);
  });
  const stream = f.bool('stream') ?? false;
  const streamOptions = f.object('stream_options');
  if (streamOptions && !stream) fail(`'stream_options' is only allowed when 'stream' is true.`, 'stream_options');
  const previous = f.string('previous_response_id', { nonEmpty: true });
  const temperature = f.number('temperature', 0, 2);
  const topP = f.number('top_p', 0, 1);
  const maxOutputTokens = f.int('max_output_tokens', 1);
  const parallel = f.bool('parallel_tool_calls');
  const user = f.string('user');
  const routing = f.oneOf<RoutingMode>('routing', ROUTING_MODES);
  const truncation = f.oneOf<'auto' | 'disabled'>('truncation', ['auto', 'disabled']) ?? 'disabled';
  const store = f.bool('store') ?? true;
  return {
    input: body.input,
    request: {
      model,
      stream,
      sampling: { ...opt('temperature', temperature), ...opt('topP', topP) },
      ...opt('maxOutputTokens', maxOutputTokens),
      ...opt('tools', toolList.length ? toolList : undefined),
      ...opt('toolChoice', choice),
      ...opt('parallelToolCalls', parallel),
      ...opt('output', format.type === 'text' ? undefined : format),
      ...opt('reasoning', reasoningConfig),
      ...opt('user', user),
      ...opt('routing', routing),
    },
    options: {
      instructions,
      ...opt('previousResponseId', previous),
      store,
      includeEncrypted: include.includes('reasoning.encrypted_content'),
      metadata: metadata(body.metadata),
      echo: {
        tools: toolList,
        toolChoice: choice,
        parallelToolCalls: parallel ?? true,
        format,
        temperature: temperature ?? null,
        topP: topP ?? null,
        maxOutputTokens: maxOutputTokens ?? null,
        reasoning: reasoningEcho,
        truncation,
        user: user ?? null,
      },
    },
  };
}

/** The conversation sent to the model: instructions, then the stored history, then this request's input. */
export function conversation(instructions: string | null, history: Message[], input: Message[]): Message[] {
  return [...(instructions ? [{ role: 'system' as const, content: [{ type: 'text' as const, text: instructions }] }] : []), ...history, ...input];
}
