// Anthropic Messages API (POST /v1/messages and /v1/messages/count_tokens, anthropic-version 2023-06-01), as
// the real service frames it: JSON Message objects, named SSE events for streams, and {type:'error', error:
// {type, message}} bodies. Like Anthropic it thinks when `thinking` is enabled (signed thinking blocks), and
// rejects a thinking block whose signature does not match its text, so a gateway that alters either fails
// here as it would there. cache_control breakpoints cache the prompt prefix before them.
import { promptTokensOf, signThought, type SimAnswer, type SimRequest } from '../answer';
import type { SimCall, SimFrame, SimProtocol } from '../protocol';
import { SimBadRequest } from '../protocol';

type SimMessage = SimRequest['messages'][number];

interface Block {
  type?: string;
  text?: string;
  content?: unknown;
  thinking?: string;
  signature?: string;
  input?: unknown;
  cache_control?: unknown;
}

interface AnthropicBody {
  model?: string;
  stream?: boolean;
  max_tokens?: unknown;
  system?: string | Block[];
  messages?: Array<{ role?: string; content?: string | Block[] }>;
  tools?: Array<{ name: string; input_schema?: Record<string, unknown>; cache_control?: unknown }>;
  tool_choice?: { type: string; name?: string };
  thinking?: { type: string; budget_tokens?: number };
  temperature?: number;
}

/** Text of a string or of the text blocks in a block list (tool_result content may be either). */
function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Block[])
    .filter((b) => b.type === 'text')
    .map((b) => b.text ?? '')
    .join(' ');
}

const blocksOf = (content: string | Block[] | undefined): Block[] => (typeof content === 'string' ? [{ type: 'text', text: content }] : (content ?? []));

/** One Anthropic turn as neutral messages: each tool_result becomes its own "tool" message. */
function turn(m: { role?: string; content?: string | Block[] }, i: number): SimMessage[] {
  const role = m.role;
  if (role !== 'user' && role !== 'assistant') throw new SimBadRequest(`messages: unexpected role "${role}"`);
  const blocks = blocksOf(m.content);
  blocks.forEach((b, j) => {
    if (b.type === 'text' && (b.text ?? '').trim() === '') throw new SimBadRequest(`messages: text content blocks must contain non-whitespace text`);
    if (b.type === 'thinking' && b.signature !== signThought(b.thinking ?? '')) throw new SimBadRequest(`messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`);
  });
  const results = blocks.filter((b) => b.type === 'tool_result').map((b): SimMessage => ({ role: 'tool', text: text(b.content) }));
  const rest = [text(blocks.filter((b) => b.type === 'text')), ...blocks.filter((b) => b.type === 'tool_use').map((b) => JSON.stringify(b.input ?? {}))].filter(Boolean).join(' ');
  const own: SimMessage = { role, text: rest };
  return rest || results.length === 0 ? [...results, own] : results;
}

/** The prompt up to the last cache breakpoint, in Anthropic's cache order: tools, system, messages. */
function cachedPrefix(b: AnthropicBody): string | undefined {
  const pieces: string[] = [];
  let upTo = -1;
  const add = (piece: string, breakpoint: unknown) => {
    pieces.push(piece);
    if (breakpoint) upTo = pieces.length;
  };
  for (const t of b.tools ?? []) add(JSON.stringify(t.input_schema ?? {}), t.cache_control);
  for (const s of blocksOf(b.system)) add(s.text ?? '', s.cache_control);
  for (const m of b.messages ?? []) for (const block of blocksOf(m.content)) add(block.text ?? text(block.content) ?? '', block.cache_control);
  return upTo < 0 ? undefined : pieces.slice(0, upTo).join('\n');
}

const STOP_REASON = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const;

const messageId = (a: SimAnswer) => `msg_sim${(a.promptTokens * 7919 + a.completionTokens).toString(36)}`;
const toolUseId = (id: string) => `toolu_${id.replace(/^call_/, '')}`;

function event(type: string, data: Record<string, unknown>, token = false): SimFrame {
  return { data: `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`, token };
}

function usage(a: SimAnswer) {
  return {
    input_tokens: a.promptTokens - a.cacheReadTokens - a.cacheWriteTokens,
    cache_creation_input_tokens: a.cacheWriteTokens,
    cache_read_input_tokens: a.cacheReadTokens,
    output_tokens: a.completionTokens,
  };
}

function parseBody(b: AnthropicBody, counting: boolean): Omit<SimRequest, 'cache'> {
  if (!b.model) throw new SimBadRequest('model: Field required');
  if (!counting && typeof b.max_tokens !== 'number') throw new SimBadRequest('max_tokens: Field required');
  if (!Array.isArray(b.messages) || b.messages.length === 0) throw new SimBadRequest('messages: at least one message is required');
  const thinking = b.thinking?.type === 'enabled';
  if (thinking) {
    const budget = b.thinking?.budget_tokens ?? 0;
    if (budget < 1024) throw new SimBadRequest('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
    if (!counting && budget >= (b.max_tokens as number)) throw new SimBadRequest('`max_tokens` must be greater than `thinking.budget_tokens`');
    if (b.temperature !== undefined && b.temperature !== 1) throw new SimBadRequest('`temperature` may only be set to 1 when thinking is enabled');
    if (b.tool_choice && b.tool_choice.type !== 'auto' && b.tool_choice.type !== 'none') throw new SimBadRequest('Thinking may not be enabled when tool_choice forces tool use.');
  }
  const system = text(b.system);
  const c = b.tool_choice;
  return {
    model: b.model,
    messages: [...(system ? [{ role: 'system' as const, text: system }] : []), ...b.messages.flatMap(turn)],
    tools: (b.tools ?? []).map((t) => ({ name: t.name, parameters: t.input_schema })),
    ...(c ? { toolChoice: c.type === 'tool' ? { type: 'tool' as const, name: c.name ?? '' } : c.type === 'any' ? { type: 'required' as const } : { type: c.type === 'none' ? ('none' as const) : ('auto' as const) } } : {}),
    maxTokens: b.max_tokens as number | undefined,
    // Anthropic has no JSON mode: a JSON request is a forced tool call or an instruction in the prompt.
    json: undefined,
    thinking,
  };
}

export const anthropicProtocol: SimProtocol = {
  kind: 'anthropic',
  streamContentType: 'text/event-stream; charset=utf-8',
  garbled: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":\n\n',

  match(method, path, body) {
    const route = path.split('?')[0];
    if (method !== 'POST' || (route !== '/v1/messages' && route !== '/v1/messages/count_tokens')) return undefined;
    const b = (body ?? {}) as AnthropicBody;
    return { model: b.model ?? '', stream: b.stream === true, body, ...(route === '/v1/messages/count_tokens' ? { count: true } : {}) };
  },

  parse(call, ctx): SimRequest {
    const b = call.body as AnthropicBody;
    const parsed = parseBody(b, call.count === true);
    return { ...parsed, ...(call.count ? {} : { cache: ctx.cache.use(cachedPrefix(b), true) }) };
  },

  count(request) {
    return { input_tokens: promptTokensOf(request) };
  },

  json(a, call) {
    const content: unknown[] = a.thinking ? [{ type: 'thinking', thinking: a.thinking.pieces.join(''), signature: a.thinking.signature }] : [];
    if (a.toolCall) content.push({ type: 'tool_use', id: toolUseId(a.toolCall.id), name: a.toolCall.name, input: JSON.parse(a.toolCall.arguments) as unknown });
    else content.push({ type: 'text', text: a.pieces.join('') });
    return {
      id: messageId(a),
      type: 'message',
      role: 'assistant',
      content,
      model: call.model,
      stop_reason: STOP_REASON[a.finish],
      stop_sequence: null,
      usage: usage(a),
    };
  },

  frames(a, call): SimFrame[] {
    const u = usage(a);
    const frames: SimFrame[] = [
      event('message_start', {
        message: { id: messageId(a), type: 'message', role: 'assistant', model: call.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...u, output_tokens: 1 } },
      }),
    ];
    let index = 0;
    if (a.thinking) {
      frames.push(event('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      for (const piece of a.thinking.pieces) frames.push(event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } }, true));
      frames.push(event('content_block_delta', { index, delta: { type: 'signature_delta', signature: a.thinking.signature } }));
      frames.push(event('content_block_stop', { index }));
      index++;
    }
    if (a.toolCall) {
      const args = a.toolCall.arguments;
      const half = Math.ceil(args.length / 2);
      frames.push(event('content_block_start', { index, content_block: { type: 'tool_use', id: toolUseId(a.toolCall.id), name: a.toolCall.name, input: {} } }));
      frames.push(event('ping', {}));
      for (const part of [args.slice(0, half), args.slice(half)]) {
        frames.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } }, true));
      }
    } else {
      frames.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      frames.push(event('ping', {}));
      for (const piece of a.pieces) frames.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }, true));
    }
    frames.push(event('content_block_stop', { index }));
    frames.push(event('message_delta', { delta: { stop_reason: STOP_REASON[a.finish], stop_sequence: null }, usage: { output_tokens: a.completionTokens } }));
    frames.push(event('message_stop', {}));
    return frames;
  },

  error(status, message) {
    const type =
      status === 529 ? 'overloaded_error'
      : status === 429 ? 'rate_limit_error'
      : status >= 500 ? 'api_error'
      : status === 401 ? 'authentication_error'
      : status === 403 ? 'permission_error'
      : status === 404 ? 'not_found_error'
      : status === 413 ? 'request_too_large'
      : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  },
};

