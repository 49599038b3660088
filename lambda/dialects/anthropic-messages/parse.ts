// POST /v1/messages (and count_tokens): Anthropic's Messages request, validated, into the canonical
// request. Blocks keep everything a round trip to Anthropic (or Claude on Bedrock) needs: thinking text
// with its signature, redacted thinking, cache_control breakpoints, tool-use ids.
import type { AssistantPart, CacheHint, DocumentPart, ImagePart, Message, TextPart, ToolResultPart, UserPart } from '../../core/canonical/content';
import type { CanonicalRequest, OutputFormat, RoutingMode, Tool, ToolChoice } from '../../core/canonical/request';
import { BadRequestError } from '../../wire/errors';
import { parseJsonBody } from '../../wire/json';
import { pushMessage } from '../conversation';
import { Fields, ROUTING_MODES, fail, isObject, opt, rejectUnknown, schemaObject, stopSequences, toolName, type Json } from '../fields';

const KNOWN = new Set([
  'model', 'messages', 'max_tokens', 'system', 'stop_sequences', 'temperature', 'top_p', 'top_k', 'stream', 'metadata',
  'tools', 'tool_choice', 'thinking', 'output_format', 'routing', 'mcp_servers', 'container',
]);
/** Accepted and ignored: they change nothing the gateway promises. */
const IGNORED = new Set(['service_tier', 'context_management']);
/** Fields that hold client JSON, named when it is nested too deep (Anthropic paths: "tools.0.input_schema"). */
const SCHEMA_FIELDS = [/^tools\[\d+\]\.input_schema/, /^output_format\.schema/, /^messages\[\d+\]\.content\[\d+\]/];

function cacheHint(v: unknown, at: string): { cache?: CacheHint } {
  if (v === undefined || v === null) return {};
  if (!isObject(v) || v.type !== 'ephemeral') return fail(`'${at}.cache_control' must be {"type": "ephemeral"}.`, `${at}.cache_control`);
  if (v.ttl !== undefined && v.ttl !== '5m' && v.ttl !== '1h') return fail(`'${at}.cache_control.ttl' must be 5m or 1h.`, `${at}.cache_control.ttl`);
  return { cache: v.ttl ? { ttl: v.ttl } : {} };
}

function source(v: unknown, at: string, what: 'image' | 'document'): ImagePart['source'] {
  if (!isObject(v)) return fail(`'${at}.source' must be an object.`, `${at}.source`);
  if (v.type === 'base64' && typeof v.media_type === 'string' && typeof v.data === 'string') {
    if (what === 'document' && v.media_type !== 'application/pdf') return fail(`'${at}.source.media_type' must be application/pdf.`, `${at}.source.media_type`);
    if (what === 'image' && !/^image\//.test(v.media_type)) return fail(`'${at}.source.media_type' must be an image type.`, `${at}.source.media_type`);
    return { kind: 'base64', mediaType: v.media_type, data: v.data };
  }
  if (v.type === 'url' && typeof v.url === 'string' && /^https?:\/\//.test(v.url)) return { kind: 'url', url: v.url };
  return fail(`'${at}.source' must be {"type": "base64", "media_type", "data"} or {"type": "url", "url"}${what === 'document' ? ' (PDF documents only)' : ''}.`, `${at}.source`);
}

function textBlock(b: Json, at: string): TextPart {
  if (typeof b.text !== 'string') return fail(`'${at}.text' must be a string.`, `${at}.text`);
  return { type: 'text', text: b.text, ...cacheHint(b.cache_control, at) };
}

function imageBlock(b: Json, at: string): ImagePart {
  return { type: 'image', source: source(b.source, at, 'image'), ...cacheHint(b.cache_control, at) };
}

function documentBlock(b: Json, at: string): DocumentPart | TextPart {
  const s = b.source;
  // A plain-text document is text to the model.
  if (isObject(s) && s.type === 'text' && typeof s.data === 'string') return { type: 'text', text: s.data, ...cacheHint(b.cache_control, at) };
  return { type: 'document', source: source(s, at, 'document'), ...(typeof b.title === 'string' ? { title: b.title } : {}), ...cacheHint(b.cache_control, at) };
}

function toolResultContent(v: unknown, at: string): ToolResultPart['content'] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [{ type: 'text', text: v }];
  if (!Array.isArray(v)) return fail(`'${at}.content' must be a string or an array of text and image blocks.`, `${at}.content`);
  return v.map((b, i) => {
    const bat = `${at}.content.${i}`;
    if (isObject(b) && b.type === 'text') return textBlock(b, bat);
    if (isObject(b) && b.type === 'image') return imageBlock(b, bat);
    return fail(`'${bat}.type' must be text or image.`, `${bat}.type`);
  });
}

type Block = { role: 'user'; part: UserPart } | { role: 'assistant'; part: AssistantPart } | { role: 'tool'; part: ToolResultPart };

function block(b: unknown, at: string, role: 'user' | 'assistant'): Block {
  if (!isObject(b)) return fail(`'${at}' must be an object.`, at);
  switch (b.type) {
    case 'text':
      return role === 'user' ? { role, part: textBlock(b, at) } : { role, part: textBlock(b, at) };
    case 'image':
      if (role !== 'user') break;
      return { role, part: imageBlock(b, at) };
    case 'document':
      if (role !== 'user') break;
      return { role, part: documentBlock(b, at) };
    case 'tool_result':
      if (role !== 'user') break;
      if (typeof b.tool_use_id !== 'string') return fail(`'${at}.tool_use_id' is required.`, `${at}.tool_use_id`);
      if (b.is_error !== undefined && typeof b.is_error !== 'boolean') return fail(`'${at}.is_error' must be a boolean.`, `${at}.is_error`);
      return { role: 'tool', part: { type: 'tool-result', callId: b.tool_use_id, content: toolResultContent(b.content, at), ...(b.is_error ? { isError: true } : {}), ...cacheHint(b.cache_control, at) } };
    case 'tool_use':
      if (role !== 'assistant') break;
      if (typeof b.id !== 'string' || typeof b.name !== 'string' || !isObject(b.input)) return fail(`'${at}' needs a string id and name and an object input.`, at);
      return { role, part: { type: 'tool-call', callId: b.id, name: b.name, arguments: JSON.stringify(b.input), ...cacheHint(b.cache_control, at) } };
    case 'thinking':
      if (role !== 'assistant') break;
      if (typeof b.thinking !== 'string' || typeof b.signature !== 'string') return fail(`'${at}' needs string thinking and signature.`, at);
      return { role, part: { type: 'reasoning', text: b.thinking, signature: b.signature } };
    case 'redacted_thinking':
      if (role !== 'assistant') break;
      if (typeof b.data !== 'string') return fail(`'${at}.data' must be a string.`, `${at}.data`);
      return { role, part: { type: 'reasoning', text: '', redacted: b.data } };
    default: {
      const type = typeof b.type === 'string' ? b.type.slice(0, 64) : String(b.type);
      return fail(`'${at}.type' ${type} is not supported: this gateway accepts text, image, document, tool_use, tool_result, thinking and redacted_thinking blocks.`, `${at}.type`);
    }
  }
  return fail(`'${at}.type' ${String(b.type)} is not allowed in a ${role} message.`, `${at}.type`);
}

/** One Anthropic turn as canonical messages: tool results become a tool message ahead of the rest. */
function messages(raw: unknown[]): Message[] {
  const out: Message[] = [];
  raw.forEach((m, i) => {
    const at = `messages.${i}`;
    if (!isObject(m)) return fail(`'${at}' must be an object.`, at);
    if (m.role !== 'user' && m.role !== 'assistant') return fail(`'${at}.role' must be user or assistant.`, `${at}.role`);
    const role = m.role;
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    if (!Array.isArray(blocks)) return fail(`'${at}.content' must be a string or an array of content blocks.`, `${at}.content`);
    const parsed = blocks.map((b, j) => block(b, `${at}.content.${j}`, role));
    const results = parsed.flatMap((b) => (b.role === 'tool' ? [b.part] : []));
    if (results.length) pushMessage(out, { role: 'tool', content: results });
    const rest = parsed.filter((b) => b.role !== 'tool');
    if (role === 'user' && rest.length) out.push({ role: 'user', content: rest.map((b) => b.part as UserPart) });
    if (role === 'assistant') out.push({ role: 'assistant', content: rest.map((b) => b.part as AssistantPart) });
  });
  return out;
}

function system(v: unknown): Message[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v ? [{ role: 'system', content: [{ type: 'text', text: v }] }] : [];
  if (!Array.isArray(v)) return fail(`'system' must be a string or an array of text blocks.`, 'system');
  const parts = v.map((b, i) => {
    if (!isObject(b) || b.type !== 'text') return fail(`'system.${i}' must be a text block.`, `system.${i}`);
    return textBlock(b, `system.${i}`);
  });
  return parts.length ? [{ role: 'system', content: parts }] : [];
}

function tools(v: unknown[]): Tool[] {
  return v.map((t, i) => {
    const at = `tools.${i}`;
    if (!isObject(t)) return fail(`'${at}' must be an object.`, at);
    if (t.type !== undefined && t.type !== null && t.type !== 'custom') {
      const type = typeof t.type === 'string' ? t.type.slice(0, 64) : String(t.type);
      return fail(`'${at}.type' ${type} is not supported: this gateway serves client tools (name, description, input_schema) only.`, `${at}.type`, 'unsupported_tool');
    }
    const name = toolName(t.name, `${at}.name`);
    if (t.description !== undefined && typeof t.description !== 'string') return fail(`'${at}.description' must be a string.`, `${at}.description`);
    return {
      name,
      ...(typeof t.description === 'string' ? { description: t.description } : {}),
      parameters: schemaObject(t.input_schema, `${at}.input_schema`),
      ...cacheHint(t.cache_control, at),
    };
  });
}

function toolChoice(v: Json, names: readonly string[]): { choice: ToolChoice; parallel?: boolean } {
  const parallel = v.disable_parallel_tool_use === true ? { parallel: false } : {};
  if (v.type === 'auto' || v.type === 'none') return { choice: { type: v.type }, ...parallel };
  if (v.type === 'any') return { choice: { type: 'required' }, ...parallel };
  if (v.type === 'tool' && typeof v.name === 'string') {
    if (!names.includes(v.name)) return fail(`'tool_choice.name' names a tool that is not in 'tools'.`, 'tool_choice.name');
    return { choice: { type: 'tool', name: v.name }, ...parallel };
  }
  return fail(`'tool_choice' must be {"type": "auto" | "any" | "none"} or {"type": "tool", "name"}.`, 'tool_choice');
}

function thinking(v: Json | undefined, maxTokens: number | undefined): CanonicalRequest['reasoning'] {
  if (!v || v.type === 'disabled') return undefined;
  if (v.type !== 'enabled') return fail(`'thinking.type' must be enabled or disabled.`, 'thinking.type');
  const budget = new Fields(v, 'thinking').int('budget_tokens', 1024);
  if (budget === undefined) return fail(`'thinking.budget_tokens' is required (at least 1024).`, 'thinking.budget_tokens');
  if (maxTokens !== undefined && budget >= maxTokens) return fail(`'thinking.budget_tokens' must be less than max_tokens.`, 'thinking.budget_tokens');
  return { budgetTokens: budget };
}

function outputFormat(v: Json | undefined): OutputFormat | undefined {
  if (!v) return undefined;
  if (v.type !== 'json_schema') return fail(`'output_format.type' must be json_schema.`, 'output_format.type');
  return { type: 'json_schema', name: 'output', schema: schemaObject(v.schema, 'output_format.schema') };
}

export interface MessagesParseOptions {
  /** count_tokens takes the same body without max_tokens. */
  counting?: boolean;
  /** anthropic-beta features the client asked for. */
  beta?: string[];
}

export function parseMessagesRequest(raw: string | undefined, options: MessagesParseOptions = {}): CanonicalRequest {
  const body = parseJsonBody(raw, 'The Anthropic API', SCHEMA_FIELDS);
  if (!isObject(body)) throw new BadRequestError('The request body must be a JSON object.', { code: 'invalid_json' });
  rejectUnknown(body, KNOWN, options.counting ? new Set([...IGNORED, 'max_tokens', 'stream', 'metadata', 'stop_sequences', 'temperature', 'top_p', 'top_k']) : IGNORED);
  const f = new Fields(body);
  for (const name of ['mcp_servers', 'container'] as const) {
    if (f.has(name) && !(Array.isArray(body[name]) && (body[name] as unknown[]).length === 0)) fail(`'${name}' is not supported by this gateway.`, name, 'unsupported_parameter');
  }
  const model = f.string('model', { required: true, nonEmpty: true }) as string;
  const maxTokens = options.counting ? undefined : f.int('max_tokens', 1);
  if (!options.counting && maxTokens === undefined) fail(`'max_tokens' is required.`, 'max_tokens', 'missing_required_parameter');
  const rawMessages = f.array('messages', { required: true, nonEmpty: true }) as unknown[];
  const toolList = tools(f.array('tools') ?? []);
  const choiceBody = f.object('tool_choice');
  const choice = choiceBody ? toolChoice(choiceBody, toolList.map((t) => t.name)) : undefined;
  const metadata = f.object('metadata');
  const user = metadata ? new Fields(metadata, 'metadata').string('user_id') : undefined;
  const routing = f.oneOf<RoutingMode>('routing', ROUTING_MODES);
  const conversation = [...system(body.system), ...messages(rawMessages)];
  return {
    model,
    messages: conversation,
    stream: options.counting ? false : (f.bool('stream') ?? false),
    sampling: {
      ...opt('temperature', f.number('temperature', 0, 1)),
      ...opt('topP', f.number('top_p', 0, 1)),
      ...opt('topK', f.int('top_k', 0)),
      ...opt('stop', stopSequences(body.stop_sequences, 'stop_sequences', 8191)),
    },
    ...opt('maxOutputTokens', maxTokens),
    ...opt('tools', toolList.length ? toolList : undefined),
    ...opt('toolChoice', choice?.choice),
    ...opt('parallelToolCalls', choice?.parallel),
    ...opt('reasoning', thinking(f.object('thinking'), maxTokens)),
    ...opt('output', outputFormat(f.object('output_format'))),
    ...opt('user', user),
    ...opt('routing', routing),
    ...(options.beta?.length ? { hints: { anthropicBeta: options.beta } } : {}),
  };
}
