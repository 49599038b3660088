// Anthropic Messages API (POST /v1/messages, anthropic-version 2023-06-01), as the real service frames it:
// JSON Message objects, named SSE events for streams, and {type:'error', error:{type, message}} bodies.
import type { SimAnswer, SimRequest } from '../answer';
import type { SimCall, SimFrame, SimProtocol } from '../protocol';
import { SimBadRequest } from '../protocol';

type SimMessage = SimRequest['messages'][number];

interface Block {
  type?: string;
  text?: string;
  content?: unknown;
}

interface AnthropicBody {
  model?: string;
  stream?: boolean;
  max_tokens?: unknown;
  system?: string | Block[];
  messages?: Array<{ role?: string; content?: string | Block[] }>;
  tools?: Array<{ name: string; input_schema?: Record<string, unknown> }>;
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

/** One Anthropic turn as neutral messages: each tool_result becomes its own "tool" message. */
function turn(m: { role?: string; content?: string | Block[] }): SimMessage[] {
  const role = m.role;
  if (role !== 'user' && role !== 'assistant') throw new SimBadRequest(`messages: unexpected role "${role}"`);
  const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content ?? []);
  const results = blocks.filter((b) => b.type === 'tool_result').map((b): SimMessage => ({ role: 'tool', text: text(b.content) }));
  const rest = text(blocks.filter((b) => b.type === 'text'));
  const own: SimMessage = { role, text: rest };
  return rest || results.length === 0 ? [...results, own] : results;
}

const STOP_REASON = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const;

const messageId = (a: SimAnswer) => `msg_sim${(a.promptTokens * 7919 + a.completionTokens).toString(36)}`;
const toolUseId = (id: string) => `toolu_${id.replace(/^call_/, '')}`;

function event(type: string, data: Record<string, unknown>, token = false): SimFrame {
  return { data: `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`, token };
}

export const anthropicProtocol: SimProtocol = {
  kind: 'anthropic',
  streamContentType: 'text/event-stream; charset=utf-8',

  match(method, path, body) {
    if (method !== 'POST' || path.split('?')[0] !== '/v1/messages') return undefined;
    const b = (body ?? {}) as AnthropicBody;
    return { model: b.model ?? '', stream: b.stream === true, body };
  },

  parse(call): SimRequest {
    const b = call.body as AnthropicBody;
    if (!b.model) throw new SimBadRequest('model: Field required');
    if (typeof b.max_tokens !== 'number') throw new SimBadRequest('max_tokens: Field required');
    if (!Array.isArray(b.messages) || b.messages.length === 0) throw new SimBadRequest('messages: at least one message is required');
    const system = text(b.system);
    return {
      model: b.model,
      messages: [...(system ? [{ role: 'system' as const, text: system }] : []), ...b.messages.flatMap(turn)],
      tools: (b.tools ?? []).map((t) => ({ name: t.name, parameters: t.input_schema })),
      maxTokens: b.max_tokens,
      // Anthropic has no JSON mode: a JSON request is only an instruction in the prompt.
      json: undefined,
    };
  },

  json(a, call) {
    return {
      id: messageId(a),
      type: 'message',
      role: 'assistant',
      content: a.toolCall
        ? [{ type: 'tool_use', id: toolUseId(a.toolCall.id), name: a.toolCall.name, input: JSON.parse(a.toolCall.arguments) as unknown }]
        : [{ type: 'text', text: a.pieces.join('') }],
      model: call.model,
      stop_reason: STOP_REASON[a.finish],
      stop_sequence: null,
      usage: { input_tokens: a.promptTokens, output_tokens: a.completionTokens },
    };
  },

  frames(a, call): SimFrame[] {
    const frames: SimFrame[] = [
      event('message_start', {
        message: {
          id: messageId(a), type: 'message', role: 'assistant', content: [], model: call.model,
          stop_reason: null, stop_sequence: null, usage: { input_tokens: a.promptTokens, output_tokens: 1 },
        },
      }),
    ];
    if (a.toolCall) {
      const args = a.toolCall.arguments;
      const half = Math.ceil(args.length / 2);
      frames.push(event('content_block_start', { index: 0, content_block: { type: 'tool_use', id: toolUseId(a.toolCall.id), name: a.toolCall.name, input: {} } }));
      frames.push(event('ping', {}));
      for (const part of [args.slice(0, half), args.slice(half)]) {
        frames.push(event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: part } }, true));
      }
    } else {
      frames.push(event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
      frames.push(event('ping', {}));
      for (const piece of a.pieces) frames.push(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }, true));
    }
    frames.push(event('content_block_stop', { index: 0 }));
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
