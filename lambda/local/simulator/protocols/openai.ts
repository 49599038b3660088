// OpenAI chat completions, as the compatible hosts (DeepSeek, Mistral, Groq, Ollama, vLLM) speak it.
// DeepSeek's reasoner shows its reasoning as reasoning_content; caches are implicit (a repeated prefix).
import type { SimAnswer, SimRequest } from '../answer';
import { implicitPrefix } from '../cache';
import type { SimCall, SimFrame, SimProtocol } from '../protocol';
import { SimBadRequest } from '../protocol';

interface OpenAIBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  messages?: Array<{ role: string; content: unknown; tool_calls?: unknown[] }>;
  tools?: Array<{ function: { name: string; parameters?: Record<string, unknown> } }>;
  tool_choice?: string | { type: 'function'; function: { name: string } };
  response_format?: { type: string; json_schema?: { schema?: Record<string, unknown> } };
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p: { type?: string; text?: string }) => (p.type === 'text' ? (p.text ?? '') : ''))
      .join(' ');
  }
  return '';
}

const CREATED = 1_700_000_000;

const reasons = (model: string) => /reasoner|r1/.test(model);

function usage(a: SimAnswer) {
  return {
    prompt_tokens: a.promptTokens,
    completion_tokens: a.completionTokens,
    total_tokens: a.promptTokens + a.completionTokens,
    prompt_tokens_details: { cached_tokens: a.cacheReadTokens },
    completion_tokens_details: { reasoning_tokens: a.reasoningTokens },
  };
}

function chunk(call: SimCall, delta: unknown, finish: string | null, extra: Record<string, unknown> = {}): string {
  const body = { id: 'chatcmpl-sim', object: 'chat.completion.chunk', created: CREATED, model: call.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra };
  return `data: ${JSON.stringify(body)}\n\n`;
}

function toolChoice(c: OpenAIBody['tool_choice']): SimRequest['toolChoice'] {
  if (c === 'none' || c === 'auto' || c === 'required') return { type: c };
  if (c && typeof c === 'object') return { type: 'tool', name: c.function.name };
  return undefined;
}

export const openaiProtocol: SimProtocol = {
  kind: 'openai-chat',
  streamContentType: 'text/event-stream',
  garbled: 'data: {"id":"chatcmpl-garbled","choices":[{"delta":\n\n',

  match(method, path, body) {
    if (method !== 'POST' || path !== '/chat/completions') return undefined;
    const b = (body ?? {}) as OpenAIBody;
    return { model: b.model ?? '', stream: b.stream === true, body };
  },

  parse(call, ctx): SimRequest {
    const b = call.body as OpenAIBody;
    if (!b.model) throw new SimBadRequest('you must provide a model parameter');
    if (!Array.isArray(b.messages) || b.messages.length === 0) throw new SimBadRequest("'messages' must be a non-empty array");
    const format = b.response_format;
    const messages = b.messages.map((m) => ({
      role: m.role === 'developer' ? 'system' : (m.role as SimRequest['messages'][number]['role']),
      text: text(m.content) || (m.tool_calls ? JSON.stringify(m.tool_calls) : ''),
    }));
    const choice = toolChoice(b.tool_choice);
    return {
      model: b.model,
      messages,
      tools: (b.tools ?? []).map((t) => ({ name: t.function.name, parameters: t.function.parameters })),
      ...(choice ? { toolChoice: choice } : {}),
      maxTokens: b.max_completion_tokens ?? b.max_tokens,
      json: format?.type === 'json_schema' ? (format.json_schema?.schema ?? {}) : format?.type === 'json_object' ? true : undefined,
      reasoning: reasons(b.model),
      cache: ctx.cache.use(implicitPrefix(messages), false),
    };
  },

  json(a, call) {
    return {
      id: 'chatcmpl-sim',
      object: 'chat.completion',
      created: CREATED,
      model: call.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: a.toolCall ? null : a.pieces.join(''),
            refusal: null,
            ...(a.reasoningSummary ? { reasoning_content: a.reasoningSummary.join('') } : {}),
            ...(a.toolCall ? { tool_calls: [{ id: a.toolCall.id, type: 'function', function: { name: a.toolCall.name, arguments: a.toolCall.arguments } }] } : {}),
          },
          logprobs: null,
          finish_reason: a.finish,
        },
      ],
      usage: usage(a),
    };
  },

  frames(a, call): SimFrame[] {
    const b = call.body as OpenAIBody;
    const frames: SimFrame[] = [{ data: chunk(call, { role: 'assistant', content: '' }, null), token: false }];
    for (const piece of a.reasoningSummary ?? []) frames.push({ data: chunk(call, { reasoning_content: piece }, null), token: true });
    if (a.toolCall) {
      const args = a.toolCall.arguments;
      const half = Math.ceil(args.length / 2);
      frames.push({ data: chunk(call, { tool_calls: [{ index: 0, id: a.toolCall.id, type: 'function', function: { name: a.toolCall.name, arguments: '' } }] }, null), token: true });
      frames.push({ data: chunk(call, { tool_calls: [{ index: 0, function: { arguments: args.slice(0, half) } }] }, null), token: true });
      frames.push({ data: chunk(call, { tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] }, null), token: true });
    } else {
      for (const piece of a.pieces) frames.push({ data: chunk(call, { content: piece }, null), token: true });
    }
    frames.push({ data: chunk(call, {}, a.finish), token: false });
    if (b.stream_options?.include_usage) {
      const body = { id: 'chatcmpl-sim', object: 'chat.completion.chunk', created: CREATED, model: call.model, choices: [], usage: usage(a) };
      frames.push({ data: `data: ${JSON.stringify(body)}\n\n`, token: false });
    }
    frames.push({ data: 'data: [DONE]\n\n', token: false });
    return frames;
  },

  error(status, message) {
    const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
    return { error: { message, type, param: null, code: null } };
  },
};
