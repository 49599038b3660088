// OpenAI's Responses API (POST /responses), as OpenAI frames it: a response object, or named SSE events
// with sequence numbers. Reasoning models (gpt-5*) spend reasoning tokens and, when the request asks for
// reasoning.encrypted_content, return their reasoning item encrypted; OpenAI's cache is implicit.
import type { SimAnswer, SimRequest } from '../answer';
import { implicitPrefix } from '../cache';
import type { SimCall, SimFrame, SimProtocol } from '../protocol';
import { SimBadRequest } from '../protocol';
import { hash } from '../schema-sample';

interface Item {
  type?: string;
  role?: string;
  content?: unknown;
  output?: unknown;
  arguments?: string;
  encrypted_content?: string;
}

interface ResponsesBody {
  model?: string;
  stream?: boolean;
  input?: string | Item[];
  instructions?: string;
  max_output_tokens?: number;
  tools?: Array<{ type: string; name: string; parameters?: Record<string, unknown> }>;

  tool_choice?: string | { type: 'function'; name: string };
  text?: { format?: { type: string; schema?: Record<string, unknown> } };
  reasoning?: { effort?: string; summary?: string };
  include?: string[];
  temperature?: number;
}

const CREATED = 1_700_000_000;
const reasons = (model: string) => /^gpt-5|^o\d/.test(model);

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: { text?: string; refusal?: string }) => p.text ?? p.refusal ?? '').join(' ');
}

function toolChoice(c: ResponsesBody['tool_choice']): SimRequest['toolChoice'] {
  if (c === 'none' || c === 'auto' || c === 'required') return { type: c };
  if (c && typeof c === 'object') return { type: 'tool', name: c.name };
  return undefined;
}

/** What OpenAI's encrypted reasoning looks like to a client: opaque, but checked when it comes back. */
function encrypt(model: string, a: SimAnswer): string {
  return `simenc_${Buffer.from(`${model}:${(a.reasoningSummary ?? []).join('')}`).toString('base64')}`;
}

/** A custom (freeform) tool's call carries raw text; the simulator answers with the string its input names. */
const FREEFORM_INPUT = { type: 'object', properties: { input: { type: 'string' } }, required: ['input'] };

function isCustom(call: SimCall, name: string): boolean {
  return ((call.body as ResponsesBody).tools ?? []).some((t) => t.type === 'custom' && t.name === name);
}

function output(a: SimAnswer, call: SimCall, includeEncrypted: boolean) {
  const b = call.body as ResponsesBody;
  const items: unknown[] = [];
  if (a.reasoningSummary) {
    items.push({
      type: 'reasoning',
      id: `rs_sim${hash(call.model).toString(36)}`,
      summary: b.reasoning?.summary ? [{ type: 'summary_text', text: a.reasoningSummary.join('') }] : [],
      ...(includeEncrypted ? { encrypted_content: encrypt(call.model, a) } : {}),
    });
  }
  if (a.toolCall && isCustom(call, a.toolCall.name)) {
    const input = (JSON.parse(a.toolCall.arguments) as { input: string }).input;
    items.push({ type: 'custom_tool_call', id: `ctc_${a.toolCall.id}`, call_id: a.toolCall.id, name: a.toolCall.name, input, status: 'completed' });
  } else if (a.toolCall) {
    items.push({ type: 'function_call', id: `fc_${a.toolCall.id}`, call_id: a.toolCall.id, name: a.toolCall.name, arguments: a.toolCall.arguments, status: 'completed' });
  } else {
    items.push({ type: 'message', id: 'msg_sim', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: a.pieces.join(''), annotations: [], logprobs: [] }] });
  }
  return items;
}

function usage(a: SimAnswer) {
  return {
    input_tokens: a.promptTokens,
    input_tokens_details: { cached_tokens: a.cacheReadTokens },
    output_tokens: a.completionTokens,
    output_tokens_details: { reasoning_tokens: a.reasoningTokens },
    total_tokens: a.promptTokens + a.completionTokens,
  };
}

function response(a: SimAnswer, call: SimCall, status: string, out: unknown[], withUsage: boolean) {
  const b = call.body as ResponsesBody;
  return {
    id: 'resp_sim',
    object: 'response',
    created_at: CREATED,
    status,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    model: call.model,
    output: out,
    usage: withUsage ? usage(a) : null,
    max_output_tokens: b.max_output_tokens ?? null,
  };
}

export const openaiResponsesProtocol: SimProtocol = {
  kind: 'openai-responses',
  streamContentType: 'text/event-stream; charset=utf-8',
  garbled: 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":\n\n',

  match(method, path, body) {
    if (method !== 'POST' || path !== '/responses') return undefined;
    const b = (body ?? {}) as ResponsesBody;
    return { model: b.model ?? '', stream: b.stream === true, body };
  },

  parse(call, ctx): SimRequest {
    const b = call.body as ResponsesBody;
    if (!b.model) throw new SimBadRequest('Missing required parameter: model.');
    if (b.input === undefined) throw new SimBadRequest("Missing required parameter: 'input'.");
    if (reasons(b.model) && b.temperature !== undefined) throw new SimBadRequest("Unsupported parameter: 'temperature' is not supported with this model.");
    const messages: SimRequest['messages'] = b.instructions ? [{ role: 'system', text: b.instructions }] : [];
    for (const item of typeof b.input === 'string' ? [{ type: 'message', role: 'user', content: b.input }] : b.input) {
      if (item.type === 'reasoning') {
        // OpenAI decrypts what it encrypted; anything else is rejected, as the real API does.
        if (item.encrypted_content !== undefined && !item.encrypted_content.startsWith('simenc_')) throw new SimBadRequest('The encrypted content could not be decrypted.');
        continue;
      }
      if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') messages.push({ role: 'tool', text: text(item.output) });
      else if (item.type === 'function_call') messages.push({ role: 'assistant', text: item.arguments ?? '' });
      else if (item.type === 'custom_tool_call') messages.push({ role: 'assistant', text: String((item as { input?: unknown }).input ?? '') });
      else {
        const role = item.role === 'developer' ? 'system' : item.role;
        if (role !== 'user' && role !== 'assistant' && role !== 'system') throw new SimBadRequest(`Invalid role: ${String(item.role)}`);
        messages.push({ role, text: text(item.content) });
      }
    }
    const format = b.text?.format;
    const choice = toolChoice(b.tool_choice);
    return {
      model: b.model,
      messages,
      tools: (b.tools ?? []).flatMap((t) => (t.type === 'function' ? [{ name: t.name, parameters: t.parameters }] : t.type === 'custom' ? [{ name: t.name, parameters: FREEFORM_INPUT }] : [])),
      ...(choice ? { toolChoice: choice } : {}),
      maxTokens: b.max_output_tokens,
      json: format?.type === 'json_schema' ? (format.schema ?? {}) : format?.type === 'json_object' ? true : undefined,
      reasoning: reasons(b.model),
      cache: ctx.cache.use(implicitPrefix(messages), false),
    };
  },

  json(a, call) {
    const include = ((call.body as ResponsesBody).include ?? []).includes('reasoning.encrypted_content');
    return response(a, call, a.finish === 'length' ? 'incomplete' : 'completed', output(a, call, include), true);
  },

  frames(a, call): SimFrame[] {
    const include = ((call.body as ResponsesBody).include ?? []).includes('reasoning.encrypted_content');
    const items = output(a, call, include) as Array<Record<string, unknown>>;
    let seq = 0;
    const ev = (type: string, data: Record<string, unknown>, token = false): SimFrame => ({
      data: `event: ${type}\ndata: ${JSON.stringify({ type, ...data, sequence_number: seq++ })}\n\n`,
      token,
    });
    const frames: SimFrame[] = [ev('response.created', { response: response(a, call, 'in_progress', [], false) }), ev('response.in_progress', { response: response(a, call, 'in_progress', [], false) })];
    items.forEach((item, n) => {
      if (item.type === 'reasoning') {
        frames.push(ev('response.output_item.added', { output_index: n, item: { ...item, summary: [], encrypted_content: undefined } }));
        const summary = (item.summary as Array<{ text: string }>)[0]?.text;
        if (summary !== undefined) {
          frames.push(ev('response.reasoning_summary_part.added', { item_id: item.id, output_index: n, summary_index: 0, part: { type: 'summary_text', text: '' } }));
          for (const piece of a.reasoningSummary ?? []) frames.push(ev('response.reasoning_summary_text.delta', { item_id: item.id, output_index: n, summary_index: 0, delta: piece }, true));
          frames.push(ev('response.reasoning_summary_text.done', { item_id: item.id, output_index: n, summary_index: 0, text: summary }));
          frames.push(ev('response.reasoning_summary_part.done', { item_id: item.id, output_index: n, summary_index: 0, part: { type: 'summary_text', text: summary } }));
        }
        frames.push(ev('response.output_item.done', { output_index: n, item }));
      } else if (item.type === 'custom_tool_call') {
        const input = String(item.input);
        frames.push(ev('response.output_item.added', { output_index: n, item: { ...item, input: '', status: 'in_progress' } }));
        frames.push(ev('response.custom_tool_call_input.delta', { item_id: item.id, output_index: n, delta: input }, true));
        frames.push(ev('response.custom_tool_call_input.done', { item_id: item.id, output_index: n, input }));
        frames.push(ev('response.output_item.done', { output_index: n, item }));
      } else if (item.type === 'function_call') {
        const args = String(item.arguments);
        const half = Math.ceil(args.length / 2);
        frames.push(ev('response.output_item.added', { output_index: n, item: { ...item, arguments: '', status: 'in_progress' } }));
        for (const part of [args.slice(0, half), args.slice(half)]) frames.push(ev('response.function_call_arguments.delta', { item_id: item.id, output_index: n, delta: part }, true));
        frames.push(ev('response.function_call_arguments.done', { item_id: item.id, output_index: n, arguments: args }));
        frames.push(ev('response.output_item.done', { output_index: n, item }));
      } else {
        frames.push(ev('response.output_item.added', { output_index: n, item: { ...item, status: 'in_progress', content: [] } }));
        frames.push(ev('response.content_part.added', { item_id: item.id, output_index: n, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }));
        for (const piece of a.pieces) frames.push(ev('response.output_text.delta', { item_id: item.id, output_index: n, content_index: 0, delta: piece, logprobs: [] }, true));
        const full = a.pieces.join('');
        frames.push(ev('response.output_text.done', { item_id: item.id, output_index: n, content_index: 0, text: full, logprobs: [] }));
        frames.push(ev('response.content_part.done', { item_id: item.id, output_index: n, content_index: 0, part: { type: 'output_text', text: full, annotations: [], logprobs: [] } }));
        frames.push(ev('response.output_item.done', { output_index: n, item }));
      }
    });
    const status = a.finish === 'length' ? 'incomplete' : 'completed';
    frames.push(ev(`response.${status}`, { response: response(a, call, status, items, true) }));
    return frames;
  },

  error(status, message) {
    const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
    return { error: { message, type, param: null, code: null } };
  },
};
