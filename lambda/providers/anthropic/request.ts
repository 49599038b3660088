// OpenAI chat request -> Anthropic Messages request.
// Invariants of the body this builds: system text lives only in the top-level `system`; `messages`
// alternate user/assistant (same-role neighbours are merged, tool results ride in user turns with their
// tool_result blocks first); no message and no text block is empty, because Anthropic rejects both.
import { BadRequestError } from '../../openai/errors';
import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat, SystemMessage, TextPart, ToolChoice } from '../../openai/types';
import type { UpstreamCall } from '../provider';
import type { ImageBlock, MessagesRequest, RequestBlock, RequestMessage, RequestToolChoice } from './wire';

function partsText(content: string | TextPart[] | null): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => p.text).join('');
}

function textBlocks(text: string): RequestBlock[] {
  return text ? [{ type: 'text', text }] : [];
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function imageBlock(url: string): ImageBlock {
  const data = DATA_URL.exec(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1] ?? '', data: data[2] ?? '' } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new BadRequestError('image_url must be an http(s) URL or a base64 data: URL', { param: 'messages' });
}

function userBlocks(content: string | ContentPart[]): RequestBlock[] {
  if (typeof content === 'string') return textBlocks(content);
  return content.flatMap((p): RequestBlock[] => (p.type === 'text' ? textBlocks(p.text) : [imageBlock(p.image_url.url)]));
}

/** Anthropic wants tool input as an object; OpenAI carries it as a JSON string that may be empty. */
function toolInput(args: string, name: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadRequestError(`the arguments of the call to tool "${name}" must be a JSON object`, { param: 'messages' });
  }
  return parsed as Record<string, unknown>;
}

const isSystem = (m: ChatMessage): m is SystemMessage => m.role === 'system' || m.role === 'developer';

function blocksOf(message: Exclude<ChatMessage, SystemMessage>): RequestBlock[] {
  switch (message.role) {
    case 'user':
      return userBlocks(message.content);
    case 'assistant':
      return [
        ...textBlocks(partsText(message.content)),
        ...(message.tool_calls ?? []).map((c): RequestBlock => ({
          type: 'tool_use',
          id: c.id,
          name: c.function.name,
          input: toolInput(c.function.arguments, c.function.name),
        })),
      ];
    case 'tool':
      return [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: partsText(message.content) }];
  }
}

/** The conversation without its system messages, in alternating Anthropic turns. */
export function toAnthropicMessages(messages: ChatMessage[]): RequestMessage[] {
  const out: RequestMessage[] = [];
  for (const m of messages) {
    if (isSystem(m)) continue;
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks = blocksOf(m);
    if (blocks.length === 0) continue;
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  // Within a user turn Anthropic requires tool results before any other content.
  for (const m of out) {
    if (m.role === 'user' && m.content.some((b) => b.type === 'tool_result')) {
      m.content = [...m.content.filter((b) => b.type === 'tool_result'), ...m.content.filter((b) => b.type !== 'tool_result')];
    }
  }
  return out;
}

/**
 * Anthropic has no JSON mode, so response_format becomes an instruction appended to the system prompt.
 * The model usually complies; nothing here can guarantee it.
 */
export function jsonInstruction(format: ResponseFormat | undefined): string | undefined {
  if (format?.type === 'json_object') {
    return 'Respond with a single valid JSON object and nothing else: no prose, no Markdown code fences.';
  }
  if (format?.type === 'json_schema') {
    const { name, description, schema } = format.json_schema;
    return [
      'Respond with a single valid JSON object and nothing else: no prose, no Markdown code fences.',
      `The object must conform to the JSON schema "${name}"${description ? ` (${description})` : ''}:`,
      JSON.stringify(schema ?? { type: 'object' }),
    ].join('\n');
  }
  return undefined;
}

function toolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined): RequestToolChoice | undefined {
  const disable = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...disable };
  if (typeof choice === 'object') return { type: 'tool', name: choice.function.name, ...disable };
  if (choice === 'auto' || parallel === false) return { type: 'auto', ...disable };
  return undefined;
}

export function toAnthropicBody(call: UpstreamCall, stream: boolean): MessagesRequest {
  const r: ChatRequest = call.request;
  const system = [
    ...r.messages.filter(isSystem).map((m) => partsText(m.content)),
    jsonInstruction(r.response_format),
  ].filter((s): s is string => Boolean(s));
  const tools = r.tools?.length
    ? r.tools.map((t) => ({
        name: t.function.name,
        ...(t.function.description !== undefined && { description: t.function.description }),
        input_schema: t.function.parameters ?? { type: 'object', properties: {} },
      }))
    : undefined;
  const choice = tools ? toolChoice(r.tool_choice, r.parallel_tool_calls) : undefined;
  return {
    model: call.upstreamModel,
    max_tokens: call.maxTokens,
    messages: toAnthropicMessages(r.messages),
    ...(system.length > 0 && { system: system.join('\n\n') }),
    // OpenAI's temperature runs 0-2, Anthropic's 0-1.
    ...(r.temperature !== undefined && { temperature: Math.min(r.temperature, 1) }),
    // Current Claude models reject temperature and top_p together; temperature is the one callers mean.
    ...(r.top_p !== undefined && r.temperature === undefined && { top_p: r.top_p }),
    ...(r.stop?.length && { stop_sequences: r.stop }),
    ...(tools && { tools }),
    ...(choice && { tool_choice: choice }),
    ...(r.user !== undefined && { metadata: { user_id: r.user } }),
    ...(stream && { stream: true }),
  };
}
