// AWS Bedrock Converse and ConverseStream, as the AWS SDK speaks them: JSON requests, JSON answers, and
// streams in AWS event-stream binary framing. The SDK names errors by the x-amzn-errortype header.
// @smithy/core ships the codec that @smithy/eventstream-codec used to; it comes with the Bedrock client.
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { signThought, type SimAnswer, type SimRequest } from '../answer';
import type { SimCall, SimFrame, SimProtocol } from '../protocol';
import { SimBadRequest } from '../protocol';

interface Block {
  text?: string;
  image?: unknown;
  document?: unknown;
  cachePoint?: unknown;
  reasoningContent?: { reasoningText?: { text?: string; signature?: string }; redactedContent?: unknown };
  toolUse?: { toolUseId?: string; name?: string; input?: unknown };
  toolResult?: { toolUseId?: string; content?: Array<{ text?: string; json?: unknown }> };
}

interface ConverseBody {
  messages?: Array<{ role?: string; content?: Block[] }>;
  system?: Array<{ text?: string; cachePoint?: unknown }>;
  inferenceConfig?: { maxTokens?: number; temperature?: number };
  toolConfig?: {
    tools?: Array<{ toolSpec?: { name?: string; inputSchema?: { json?: Record<string, unknown> } }; cachePoint?: unknown }>;
    toolChoice?: { auto?: unknown; any?: unknown; tool?: { name?: string } };
  };
  additionalModelRequestFields?: { thinking?: { type?: string; budget_tokens?: number } };
}

const isClaude = (model: string) => /(^|\.)anthropic\./.test(model);

/** The prompt up to the last cachePoint block, in Converse's order: tools, system, messages. */
function cachedPrefix(b: ConverseBody): string | undefined {
  const pieces: string[] = [];
  let upTo = -1;
  const visit = (piece: string | undefined, point: unknown) => {
    if (point) upTo = pieces.length;
    else pieces.push(piece ?? '');
  };
  for (const t of b.toolConfig?.tools ?? []) visit(JSON.stringify(t.toolSpec?.inputSchema ?? {}), t.cachePoint);
  for (const s of b.system ?? []) visit(s.text, s.cachePoint);
  for (const m of b.messages ?? []) for (const c of m.content ?? []) visit(c.text ?? JSON.stringify(c.toolResult ?? c.toolUse ?? ''), c.cachePoint);
  return upTo < 0 ? undefined : pieces.slice(0, upTo).join('\n');
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** The instruction a model would follow to answer in JSON, and the schema if one is quoted after it. */
function jsonWanted(system: string): true | Record<string, unknown> | undefined {
  if (!/respond with a single JSON object/i.test(system)) return undefined;
  const schema = /JSON schema:\s*(\{.*\})\s*$/s.exec(system)?.[1];
  if (!schema) return true;
  try {
    return JSON.parse(schema) as Record<string, unknown>;
  } catch {
    return true;
  }
}

/** Rejects what Bedrock rejects, with its wording, so adapter mistakes show up locally. */
function validate(b: ConverseBody): void {
  const messages = b.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw new SimBadRequest('A conversation must start with a user message.');
  messages.forEach((m, i) => {
    if (m.role !== 'user' && m.role !== 'assistant') throw new SimBadRequest(`messages.${i}.role must be user or assistant`);
    if (i === 0 && m.role !== 'user') throw new SimBadRequest('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
    if (i > 0 && messages[i - 1]!.role === m.role) {
      throw new SimBadRequest('A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.');
    }
    if (!Array.isArray(m.content) || m.content.length === 0) throw new SimBadRequest(`The content field in the Message object at messages.${i} is empty.`);
    m.content.forEach((c, j) => {
      if (c.text !== undefined && c.text.trim() === '') {
        throw new SimBadRequest(`The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`);
      }
      if ((c.toolUse || c.toolResult) && !b.toolConfig) {
        throw new SimBadRequest('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
      }
      const thought = c.reasoningContent?.reasoningText;
      if (thought && thought.signature !== signThought(thought.text ?? '')) {
        throw new SimBadRequest(`The signature in the reasoningContent block at messages.${i}.content.${j} is invalid.`);
      }
    });
  });
  const max = b.inferenceConfig?.maxTokens;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) throw new SimBadRequest('inferenceConfig.maxTokens must be at least 1');
}

function resultText(block: NonNullable<Block['toolResult']>): string {
  return (block.content ?? []).map((c) => c.text ?? JSON.stringify(c.json ?? '')).join(' ');
}

const STOP_REASON: Record<SimAnswer['finish'], string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' };

function usage(a: SimAnswer) {
  return {
    inputTokens: a.promptTokens - a.cacheReadTokens - a.cacheWriteTokens,
    outputTokens: a.completionTokens,
    totalTokens: a.promptTokens + a.completionTokens,
    ...(a.cacheReadTokens ? { cacheReadInputTokens: a.cacheReadTokens } : {}),
    ...(a.cacheWriteTokens ? { cacheWriteInputTokens: a.cacheWriteTokens } : {}),
  };
}

const toolUseId = (id: string) => `tooluse_${id.replace(/^call_/, '')}`;

function encoded(eventType: string, json: string): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(json),
  });
}

function frame(eventType: string, payload: unknown, token = false): SimFrame {
  return { data: encoded(eventType, JSON.stringify(payload)), token };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

export const bedrockProtocol: SimProtocol = {
  kind: 'bedrock',
  streamContentType: 'application/vnd.amazon.eventstream',
  // Valid framing and checksums around a body that is not JSON.
  garbled: encoded('contentBlockDelta', '{"delta":{"text":'),

  match(method, path, body) {
    const m = /^\/model\/([^/?]+)\/(converse|converse-stream)(\?.*)?$/.exec(path);
    if (method !== 'POST' || !m) return undefined;
    return { model: decodeURIComponent(m[1]!), stream: m[2] === 'converse-stream', body: body ?? {} };
  },

  parse(call, ctx): SimRequest {
    const b = call.body as ConverseBody;
    validate(b);
    const thinking = isClaude(call.model) && b.additionalModelRequestFields?.thinking?.type === 'enabled';
    if (thinking && b.toolConfig?.toolChoice && !b.toolConfig.toolChoice.auto) throw new SimBadRequest('Thinking may not be enabled when tool_choice forces tool use.');
    const tc = b.toolConfig?.toolChoice;
    const system = (b.system ?? []).map((s) => s.text ?? '').join('\n');
    const messages: SimRequest['messages'] = system ? [{ role: 'system', text: system }] : [];
    for (const m of b.messages ?? []) {
      const blocks = m.content ?? [];
      for (const c of blocks) if (c.toolResult) messages.push({ role: 'tool', text: resultText(c.toolResult) });
      const text = blocks
        .map((c) => c.text ?? (c.toolUse ? JSON.stringify(c.toolUse.input ?? {}) : ''))
        .filter(Boolean)
        .join(' ');
      if (text) messages.push({ role: m.role === 'assistant' ? 'assistant' : 'user', text });
    }
    return {
      model: call.model,
      messages,
      tools: (b.toolConfig?.tools ?? []).flatMap((t) => (t.toolSpec ? [{ name: t.toolSpec.name ?? '', parameters: t.toolSpec.inputSchema?.json }] : [])),
      ...(tc?.tool ? { toolChoice: { type: 'tool' as const, name: tc.tool.name ?? '' } } : tc?.any ? { toolChoice: { type: 'required' as const } } : {}),
      maxTokens: b.inferenceConfig?.maxTokens,
      json: jsonWanted(system),
      thinking,
      cache: ctx.cache.use(cachedPrefix(b), true),
    };
  },

  json(a) {
    const thought = a.thinking ? [{ reasoningContent: { reasoningText: { text: a.thinking.pieces.join(''), signature: a.thinking.signature } } }] : [];
    const content = [
      ...thought,
      ...(a.toolCall
        ? [{ toolUse: { toolUseId: toolUseId(a.toolCall.id), name: a.toolCall.name, input: JSON.parse(a.toolCall.arguments) as unknown } }]
        : [{ text: a.pieces.join('') }]),
    ];
    return {
      output: { message: { role: 'assistant', content } },
      stopReason: STOP_REASON[a.finish],
      usage: usage(a),
      metrics: { latencyMs: 0 },
    };
  },

  frames(a): SimFrame[] {
    const frames: SimFrame[] = [frame('messageStart', { role: 'assistant' })];
    let index = 0;
    if (a.thinking) {
      for (const text of a.thinking.pieces) frames.push(frame('contentBlockDelta', { delta: { reasoningContent: { text } }, contentBlockIndex: index }, true));
      frames.push(frame('contentBlockDelta', { delta: { reasoningContent: { signature: a.thinking.signature } }, contentBlockIndex: index }));
      frames.push(frame('contentBlockStop', { contentBlockIndex: index }));
      index++;
    }
    if (a.toolCall) {
      const args = a.toolCall.arguments;
      const half = Math.ceil(args.length / 2);
      const start = { toolUse: { toolUseId: toolUseId(a.toolCall.id), name: a.toolCall.name } };
      frames.push(frame('contentBlockStart', { start, contentBlockIndex: index }, true));
      for (const input of [args.slice(0, half), args.slice(half)]) {
        frames.push(frame('contentBlockDelta', { delta: { toolUse: { input } }, contentBlockIndex: index }, true));
      }
    } else {
      for (const text of a.pieces) frames.push(frame('contentBlockDelta', { delta: { text }, contentBlockIndex: index }, true));
    }
    frames.push(frame('contentBlockStop', { contentBlockIndex: index }));
    frames.push(frame('messageStop', { stopReason: STOP_REASON[a.finish] }));
    frames.push(frame('metadata', { usage: usage(a), metrics: { latencyMs: 0 } }));
    return frames;
  },

  error(_status, message) {
    return { message };
  },

  errorHeaders(status) {
    const type = ERROR_TYPES[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
    return { 'x-amzn-errortype': type };
  },
};
