// Request validation for POST /v1/chat/completions. Every rejection is a 400 whose `param` names the
// field (OpenAI's style: "messages[2].content"), so a client can point at what to fix.
import { BadRequestError } from '../openai/errors';
import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  FunctionTool,
  ResponseFormat,
  RoutingMode,
  TextPart,
  ToolCall,
  ToolChoice,
} from '../openai/types';

type Json = Record<string, unknown>;

/** Accepted for compatibility with current SDKs and ignored: they change nothing the gateway promises. */
const IGNORED = new Set([
  'metadata', 'store', 'service_tier', 'prompt_cache_key', 'safety_identifier', 'verbosity', 'reasoning_effort',
  'logprobs', 'top_logprobs', 'modalities',
]);
const KNOWN = new Set([
  'model', 'messages', 'temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stream', 'stream_options',
  'stop', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'seed', 'presence_penalty',
  'frequency_penalty', 'user', 'n', 'routing',
]);
const ROUTING: readonly RoutingMode[] = ['cost', 'speed', 'quality'];
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const fail = (message: string, param: string): never => {
  throw new BadRequestError(message, { param, code: 'invalid_value' });
};

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function optNumber(body: Json, name: string, min: number, max: number): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`'${name}' must be a number.`, name);
  if (v < min || v > max) return fail(`'${name}' must be between ${min} and ${max}, got ${v}.`, name);
  return v;
}

function optInt(body: Json, name: string, min: number): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) return fail(`'${name}' must be an integer.`, name);
  if (v < min) return fail(`'${name}' must be at least ${min}, got ${v}.`, name);
  return v;
}

function optBool(body: Json, name: string): boolean | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') return fail(`'${name}' must be a boolean.`, name);
  return v;
}

function textParts(v: unknown, param: string): string | TextPart[] {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return fail(`'${param}' must be a string or an array of text parts.`, param);
  return v.map((p, i) => {
    if (!isObject(p) || p.type !== 'text' || typeof p.text !== 'string') {
      return fail(`'${param}[${i}]' must be a text part ({"type": "text", "text": "..."}).`, `${param}[${i}]`);
    }
    return { type: 'text', text: p.text };
  });
}

function userContent(v: unknown, param: string): string | ContentPart[] {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v) || v.length === 0) return fail(`'${param}' must be a string or a non-empty array of content parts.`, param);
  return v.map((p, i): ContentPart => {
    const at = `${param}[${i}]`;
    if (isObject(p) && p.type === 'text' && typeof p.text === 'string') return { type: 'text', text: p.text };
    if (isObject(p) && p.type === 'image_url') {
      const img = p.image_url;
      if (!isObject(img) || typeof img.url !== 'string' || !/^(https?:|data:image\/)/.test(img.url)) {
        return fail(`'${at}.image_url.url' must be an http(s) URL or a data:image/ URL.`, `${at}.image_url.url`);
      }
      const detail = img.detail;
      if (detail !== undefined && detail !== 'auto' && detail !== 'low' && detail !== 'high') {
        return fail(`'${at}.image_url.detail' must be auto, low or high.`, `${at}.image_url.detail`);
      }
      return { type: 'image_url', image_url: { url: img.url, ...(detail ? { detail } : {}) } };
    }
    return fail(`'${at}' must be a text or image_url part.`, at);
  });
}

function toolCalls(v: unknown, param: string): ToolCall[] {
  if (!Array.isArray(v)) return fail(`'${param}' must be an array.`, param);
  return v.map((c, i) => {
    const at = `${param}[${i}]`;
    if (!isObject(c) || typeof c.id !== 'string' || c.type !== 'function' || !isObject(c.function)) {
      return fail(`'${at}' must be {"id", "type": "function", "function": {"name", "arguments"}}.`, at);
    }
    const { name, arguments: args } = c.function;
    if (typeof name !== 'string' || typeof args !== 'string') return fail(`'${at}.function' needs string name and arguments.`, `${at}.function`);
    return { id: c.id, type: 'function', function: { name, arguments: args } };
  });
}

function message(m: unknown, i: number): ChatMessage {
  const at = `messages[${i}]`;
  if (!isObject(m)) return fail(`'${at}' must be an object.`, at);
  const name = m.name === undefined ? undefined : typeof m.name === 'string' ? m.name : fail(`'${at}.name' must be a string.`, `${at}.name`);
  switch (m.role) {
    case 'system':
    case 'developer':
      return { role: m.role, content: textParts(m.content, `${at}.content`), ...(name ? { name } : {}) };
    case 'user':
      return { role: 'user', content: userContent(m.content, `${at}.content`), ...(name ? { name } : {}) };
    case 'assistant': {
      const calls = m.tool_calls === undefined || m.tool_calls === null ? undefined : toolCalls(m.tool_calls, `${at}.tool_calls`);
      const content = m.content === undefined || m.content === null ? null : textParts(m.content, `${at}.content`);
      if (content === null && !calls?.length) return fail(`'${at}' needs content or tool_calls.`, `${at}.content`);
      return { role: 'assistant', content, ...(calls?.length ? { tool_calls: calls } : {}), ...(name ? { name } : {}) };
    }
    case 'tool':
      if (typeof m.tool_call_id !== 'string') return fail(`'${at}.tool_call_id' is required for tool messages.`, `${at}.tool_call_id`);
      return { role: 'tool', content: textParts(m.content, `${at}.content`), tool_call_id: m.tool_call_id };
    default:
      return fail(`'${at}.role' must be one of system, developer, user, assistant, tool.`, `${at}.role`);
  }
}

function tools(v: unknown): FunctionTool[] {
  if (!Array.isArray(v)) return fail(`'tools' must be an array.`, 'tools');
  return v.map((t, i) => {
    const at = `tools[${i}]`;
    if (!isObject(t) || t.type !== 'function' || !isObject(t.function)) return fail(`'${at}' must be {"type": "function", "function": {...}}.`, at);
    const f = t.function;
    if (typeof f.name !== 'string' || !TOOL_NAME.test(f.name)) {
      return fail(`'${at}.function.name' must match ^[a-zA-Z0-9_-]{1,64}$.`, `${at}.function.name`);
    }
    if (f.parameters !== undefined && !isObject(f.parameters)) return fail(`'${at}.function.parameters' must be a JSON schema object.`, `${at}.function.parameters`);
    if (f.description !== undefined && typeof f.description !== 'string') return fail(`'${at}.function.description' must be a string.`, `${at}.function.description`);
    return {
      type: 'function',
      function: {
        name: f.name,
        ...(typeof f.description === 'string' ? { description: f.description } : {}),
        ...(isObject(f.parameters) ? { parameters: f.parameters } : {}),
        ...(typeof f.strict === 'boolean' ? { strict: f.strict } : {}),
      },
    };
  });
}

function toolChoice(v: unknown, names: readonly string[]): ToolChoice {
  if (v === 'none' || v === 'auto' || v === 'required') return v;
  if (isObject(v) && v.type === 'function' && isObject(v.function) && typeof v.function.name === 'string') {
    if (!names.includes(v.function.name)) return fail(`'tool_choice' names a function that is not in 'tools'.`, 'tool_choice');
    return { type: 'function', function: { name: v.function.name } };
  }
  return fail(`'tool_choice' must be none, auto, required or {"type": "function", "function": {"name"}}.`, 'tool_choice');
}

function responseFormat(v: unknown): ResponseFormat {
  if (!isObject(v)) return fail(`'response_format' must be an object.`, 'response_format');
  if (v.type === 'text' || v.type === 'json_object') return { type: v.type };
  if (v.type === 'json_schema') {
    const s = v.json_schema;
    if (!isObject(s) || typeof s.name !== 'string') return fail(`'response_format.json_schema.name' is required.`, 'response_format.json_schema.name');
    if (s.schema !== undefined && !isObject(s.schema)) return fail(`'response_format.json_schema.schema' must be an object.`, 'response_format.json_schema.schema');
    return {
      type: 'json_schema',
      json_schema: {
        name: s.name,
        ...(typeof s.description === 'string' ? { description: s.description } : {}),
        ...(isObject(s.schema) ? { schema: s.schema } : {}),
        ...(typeof s.strict === 'boolean' ? { strict: s.strict } : {}),
      },
    };
  }
  return fail(`'response_format.type' must be text, json_object or json_schema.`, 'response_format.type');
}

function stop(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length > 4 || list.some((s) => typeof s !== 'string' || s.length === 0)) {
    return fail(`'stop' must be a string or an array of up to 4 non-empty strings.`, 'stop');
  }
  return list as string[];
}

/** Parses and validates the raw body. Throws BadRequestError with `param` set. */
export function parseChatRequest(raw: string | undefined): ChatRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw ?? '');
  } catch {
    throw new BadRequestError(
      'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.',
      { code: 'invalid_json' },
    );
  }
  if (!isObject(body)) throw new BadRequestError('The request body must be a JSON object.', { code: 'invalid_json' });
  for (const key of Object.keys(body)) {
    if (!KNOWN.has(key) && !IGNORED.has(key)) {
      throw new BadRequestError(`Unrecognized request argument supplied: ${key}`, { param: key, code: 'unknown_parameter' });
    }
  }
  if (body.logprobs === true) fail(`'logprobs' is not supported by this gateway.`, 'logprobs');
  if (typeof body.model !== 'string' || body.model === '') fail(`'model' is required and must be a string.`, 'model');
  if (!Array.isArray(body.messages) || body.messages.length === 0) fail(`'messages' must be a non-empty array.`, 'messages');
  const n = optInt(body, 'n', 1);
  if (n !== undefined && n !== 1) fail(`'n' must be 1: this gateway returns one choice per request.`, 'n');
  const stream = optBool(body, 'stream') ?? false;
  let includeUsage = false;
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (!stream) fail(`'stream_options' is only allowed when 'stream' is true.`, 'stream_options');
    if (!isObject(body.stream_options)) fail(`'stream_options' must be an object.`, 'stream_options');
    includeUsage = optBool(body.stream_options as Json, 'include_usage') ?? false;
  }
  const maxCompletion = optInt(body, 'max_completion_tokens', 1);
  const maxTokens = optInt(body, 'max_tokens', 1);
  const toolList = body.tools === undefined || body.tools === null ? undefined : tools(body.tools);
  const routing = body.routing;
  if (routing !== undefined && !ROUTING.includes(routing as RoutingMode)) {
    fail(`'routing' must be one of cost, speed, quality.`, 'routing');
  }
  if (body.user !== undefined && typeof body.user !== 'string') fail(`'user' must be a string.`, 'user');
  const seed = optInt(body, 'seed', Number.MIN_SAFE_INTEGER);

  const request: ChatRequest = {
    model: body.model as string,
    messages: (body.messages as unknown[]).map(message),
    stream,
    include_usage: includeUsage,
  };
  const set = <K extends keyof ChatRequest>(k: K, v: ChatRequest[K] | undefined) => {
    if (v !== undefined) request[k] = v;
  };
  set('temperature', optNumber(body, 'temperature', 0, 2));
  set('top_p', optNumber(body, 'top_p', 0, 1));
  set('max_tokens', maxCompletion ?? maxTokens);
  set('stop', stop(body.stop));
  set('tools', toolList?.length ? toolList : undefined);
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    set('tool_choice', toolChoice(body.tool_choice, (toolList ?? []).map((t) => t.function.name)));
  }
  set('parallel_tool_calls', optBool(body, 'parallel_tool_calls'));
  if (body.response_format !== undefined && body.response_format !== null) set('response_format', responseFormat(body.response_format));
  set('seed', seed);
  set('presence_penalty', optNumber(body, 'presence_penalty', -2, 2));
  set('frequency_penalty', optNumber(body, 'frequency_penalty', -2, 2));
  set('user', body.user as string | undefined);
  set('routing', routing as RoutingMode | undefined);
  return request;
}
