// POST /v1/chat/completions: OpenAI's request, validated, into the canonical request. Every rejection is a
// 400 whose `param` names the field (OpenAI's style: "messages[2].content"), so a client can point at what
// to fix.
import type { ImagePart, Message, TextPart, UserPart } from '../../core/canonical/content';
import type { CanonicalRequest, OutputFormat, ReasoningEffort, RoutingMode, Tool, ToolChoice } from '../../core/canonical/request';
import { BadRequestError } from '../../wire/errors';
import { parseJsonBody } from '../../wire/json';
import { pushMessage } from '../conversation';
import { Fields, ROUTING_MODES, fail, isObject, opt, rejectUnknown, schemaObject, stopSequences, toolName } from '../fields';

/** Accepted for compatibility with current SDKs and ignored: they change nothing the gateway promises. */
const IGNORED = new Set([
  'metadata', 'store', 'service_tier', 'prompt_cache_key', 'prompt_cache_retention', 'prompt_cache_options', 'safety_identifier', 'verbosity',
  'logprobs', 'top_logprobs', 'modalities', 'audio', 'prediction', 'web_search_options', 'logit_bias',
]);
const KNOWN = new Set([
  'model', 'messages', 'temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stream', 'stream_options',
  'stop', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'seed', 'presence_penalty',
  'frequency_penalty', 'user', 'n', 'routing', 'reasoning_effort', 'moderation', 'functions', 'function_call',
]);
const EFFORTS: readonly ReasoningEffort[] = ['minimal', 'low', 'medium', 'high'];
/** Fields that hold client JSON, named when it is nested too deep. */
const SCHEMA_FIELDS = [/^tools\[\d+\]\.function\.parameters/, /^response_format\.json_schema\.schema/, /^response_format\.schema/, /^messages\[\d+\]\.content/];

/** What the chat dialect needs beyond the canonical request to answer in its own shape. */
export interface ChatOptions {
  includeUsage: boolean;
}

function textParts(v: unknown, param: string): TextPart[] {
  if (typeof v === 'string') return [{ type: 'text', text: v }];
  if (!Array.isArray(v)) return fail(`'${param}' must be a string or an array of text parts.`, param);
  return v.map((p, i) => {
    if (!isObject(p) || p.type !== 'text' || typeof p.text !== 'string') {
      return fail(`'${param}[${i}]' must be a text part ({"type": "text", "text": "..."}).`, `${param}[${i}]`);
    }
    return { type: 'text', text: p.text };
  });
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** An image or file URL as a media source: base64 data URLs are unpacked, http(s) URLs kept. */
function mediaSource(url: string): ImagePart['source'] {
  const data = DATA_URL.exec(url);
  return data ? { kind: 'base64', mediaType: data[1]!.toLowerCase(), data: data[2]! } : { kind: 'url', url };
}

function userContent(v: unknown, param: string): UserPart[] {
  if (typeof v === 'string') return [{ type: 'text', text: v }];
  if (!Array.isArray(v) || v.length === 0) return fail(`'${param}' must be a string or a non-empty array of content parts.`, param);
  return v.map((p, i): UserPart => {
    const at = `${param}[${i}]`;
    if (isObject(p) && p.type === 'text' && typeof p.text === 'string') return { type: 'text', text: p.text };
    if (isObject(p) && p.type === 'image_url') {
      const img = p.image_url;
      if (!isObject(img) || typeof img.url !== 'string' || !/^(https?:\/\/|data:image\/[^;,]+;base64,)/.test(img.url)) {
        return fail(`'${at}.image_url.url' must be an http(s) URL or a base64 data:image/ URL.`, `${at}.image_url.url`);
      }
      const detail = img.detail;
      if (detail !== undefined && detail !== 'auto' && detail !== 'low' && detail !== 'high') {
        return fail(`'${at}.image_url.detail' must be auto, low or high.`, `${at}.image_url.detail`);
      }
      return { type: 'image', source: mediaSource(img.url), ...(detail ? { detail } : {}) };
    }
    if (isObject(p) && p.type === 'file') {
      const file = p.file;
      if (!isObject(file) || typeof file.file_data !== 'string' || !/^data:application\/pdf;base64,/.test(file.file_data)) {
        return fail(`'${at}.file.file_data' must be a base64 data:application/pdf URL (file ids are not supported).`, `${at}.file.file_data`);
      }
      return { type: 'document', source: mediaSource(file.file_data), ...(typeof file.filename === 'string' ? { title: file.filename } : {}) };
    }
    return fail(`'${at}' must be a text, image_url or file part.`, at);
  });
}

function toolCalls(v: unknown, param: string): Message['content'] {
  if (!Array.isArray(v)) return fail(`'${param}' must be an array.`, param);
  return v.map((c, i) => {
    const at = `${param}[${i}]`;
    if (!isObject(c) || typeof c.id !== 'string' || c.type !== 'function' || !isObject(c.function)) {
      return fail(`'${at}' must be {"id", "type": "function", "function": {"name", "arguments"}}.`, at);
    }
    const { name, arguments: args } = c.function;
    if (typeof name !== 'string' || typeof args !== 'string') return fail(`'${at}.function' needs string name and arguments.`, `${at}.function`);
    return { type: 'tool-call' as const, callId: c.id, name, arguments: args };
  });
}

function message(m: unknown, i: number): Message {
  const at = `messages[${i}]`;
  if (!isObject(m)) return fail(`'${at}' must be an object.`, at);
  if (m.name !== undefined && typeof m.name !== 'string') fail(`'${at}.name' must be a string.`, `${at}.name`);
  switch (m.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textParts(m.content, `${at}.content`) };
    case 'user':
      return { role: 'user', content: userContent(m.content, `${at}.content`) };
    case 'assistant': {
      const calls = m.tool_calls === undefined || m.tool_calls === null ? [] : toolCalls(m.tool_calls, `${at}.tool_calls`);
      const text = m.content === undefined || m.content === null ? [] : textParts(m.content, `${at}.content`);
      if (text.length === 0 && calls.length === 0) return fail(`'${at}' needs content or tool_calls.`, `${at}.content`);
      return { role: 'assistant', content: [...text, ...calls] as Extract<Message, { role: 'assistant' }>['content'] };
    }
    case 'tool':
      if (typeof m.tool_call_id !== 'string') return fail(`'${at}.tool_call_id' is required for tool messages.`, `${at}.tool_call_id`);
      return { role: 'tool', content: [{ type: 'tool-result', callId: m.tool_call_id, content: textParts(m.content, `${at}.content`) }] };
    default:
      return fail(`'${at}.role' must be one of system, developer, user, assistant, tool.`, `${at}.role`);
  }
}

function tools(v: unknown): Tool[] {
  if (!Array.isArray(v)) return fail(`'tools' must be an array.`, 'tools');
  return v.map((t, i) => {
    const at = `tools[${i}]`;
    if (!isObject(t) || !isObject(t.function)) return fail(`'${at}' must be {"type": "function", "function": {...}}.`, at);
    if (t.type !== 'function') return fail(`'${at}.type' must be "function": only function tools are supported.`, `${at}.type`);
    const f = t.function;
    const name = toolName(f.name, `${at}.function.name`);
    if (f.description !== undefined && typeof f.description !== 'string') return fail(`'${at}.function.description' must be a string.`, `${at}.function.description`);
    const parameters = f.parameters === undefined ? { type: 'object', properties: {} } : schemaObject(f.parameters, `${at}.function.parameters`);
    return {
      name,
      ...(typeof f.description === 'string' ? { description: f.description } : {}),
      parameters,
      ...(typeof f.strict === 'boolean' ? { strict: f.strict } : {}),
    };
  });
}

function toolChoice(v: unknown, names: readonly string[]): ToolChoice {
  if (v === 'none' || v === 'auto' || v === 'required') return { type: v };
  if (isObject(v) && v.type === 'function' && isObject(v.function) && typeof v.function.name === 'string') {
    if (!names.includes(v.function.name)) return fail(`'tool_choice' names a function that is not in 'tools'.`, 'tool_choice');
    return { type: 'tool', name: v.function.name };
  }
  return fail(`'tool_choice' must be none, auto, required or {"type": "function", "function": {"name"}}.`, 'tool_choice');
}

function responseFormat(v: unknown): OutputFormat {
  if (!isObject(v)) return fail(`'response_format' must be an object.`, 'response_format');
  if (v.type === 'text') return { type: 'text' };
  if (v.type === 'json_object') {
    // The vLLM/Together convention: a schema beside json_object asks for that schema.
    if (v.schema !== undefined) return { type: 'json_schema', name: 'response', schema: schemaObject(v.schema, 'response_format.schema') };
    return { type: 'json' };
  }
  if (v.type === 'json_schema') {
    const s = v.json_schema;
    if (!isObject(s) || typeof s.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(s.name)) {
      return fail(`'response_format.json_schema.name' is required and must match ^[a-zA-Z0-9_-]{1,64}$.`, 'response_format.json_schema.name');
    }
    return {
      type: 'json_schema',
      name: s.name,
      ...(typeof s.description === 'string' ? { description: s.description } : {}),
      schema: s.schema === undefined ? { type: 'object' } : schemaObject(s.schema, 'response_format.json_schema.schema'),
      ...(typeof s.strict === 'boolean' ? { strict: s.strict } : {}),
    };
  }
  return fail(`'response_format.type' must be text, json_object or json_schema.`, 'response_format.type');
}

/** Parses and validates the raw body. Throws BadRequestError with `param` set. */
export function parseChatRequest(raw: string | undefined): { request: CanonicalRequest; options: ChatOptions } {
  const body = parseJsonBody(raw, 'The OpenAI API', SCHEMA_FIELDS);
  if (!isObject(body)) throw new BadRequestError('The request body must be a JSON object.', { code: 'invalid_json' });
  rejectUnknown(body, KNOWN, IGNORED);
  const f = new Fields(body);
  if (body.logprobs === true) fail(`'logprobs' is not supported by this gateway.`, 'logprobs');
  // Moderated completions promise a check the gateway cannot make: refused, never silently dropped.
  if (f.has('moderation')) fail(`'moderation' is not supported by this gateway.`, 'moderation', 'unsupported_parameter');
  for (const legacy of ['functions', 'function_call'] as const) {
    if (f.has(legacy)) fail(`'${legacy}' is deprecated and not supported by this gateway; use 'tools' and 'tool_choice'.`, legacy, 'unsupported_parameter');
  }
  const model = f.string('model', { required: true, nonEmpty: true }) as string;
  const rawMessages = f.array('messages', { required: true, nonEmpty: true }) as unknown[];
  const n = f.int('n', 1);
  if (n !== undefined && n !== 1) fail(`'n' must be 1: this gateway returns one choice per request.`, 'n');
  const stream = f.bool('stream') ?? false;
  let includeUsage = false;
  const streamOptions = f.object('stream_options');
  if (streamOptions) {
    if (!stream) fail(`'stream_options' is only allowed when 'stream' is true.`, 'stream_options');
    includeUsage = new Fields(streamOptions, 'stream_options').bool('include_usage') ?? false;
  }
  const maxCompletion = f.int('max_completion_tokens', 1);
  const maxTokens = f.int('max_tokens', 1);
  const toolList = body.tools === undefined || body.tools === null ? undefined : tools(body.tools);
  const routing = f.oneOf<RoutingMode>('routing', ROUTING_MODES);
  const user = f.string('user');
  const effort = f.oneOf<ReasoningEffort>('reasoning_effort', EFFORTS);

  const messages: Message[] = [];
  rawMessages.forEach((m, i) => pushMessage(messages, message(m, i)));
  const request: CanonicalRequest = {
    model,
    messages,
    stream,
    sampling: {
      ...opt('temperature', f.number('temperature', 0, 2)),
      ...opt('topP', f.number('top_p', 0, 1)),
      ...opt('stop', stopSequences(body.stop, 'stop')),
      ...opt('seed', f.int('seed', Number.MIN_SAFE_INTEGER)),
      ...opt('presencePenalty', f.number('presence_penalty', -2, 2)),
      ...opt('frequencyPenalty', f.number('frequency_penalty', -2, 2)),
    },
    ...opt('maxOutputTokens', maxCompletion ?? maxTokens),
    ...opt('tools', toolList?.length ? toolList : undefined),
    ...opt('parallelToolCalls', f.bool('parallel_tool_calls')),
    ...opt('user', user),
    ...opt('routing', routing),
    ...opt('reasoning', effort ? { effort } : undefined),
  };
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    request.toolChoice = toolChoice(body.tool_choice, (toolList ?? []).map((t) => t.name));
  }
  if (body.response_format !== undefined && body.response_format !== null) request.output = responseFormat(body.response_format);
  return { request, options: { includeUsage } };
}
