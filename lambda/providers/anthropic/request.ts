// Canonical request -> Anthropic Messages request.
// Invariants of the body this builds: system text lives only in the top-level `system`; `messages`
// alternate user/assistant (same-role neighbours are merged, tool results ride in user turns ahead of any
// other content); no text block is empty, because Anthropic rejects them. Thinking blocks with their
// signatures, cache breakpoints and tool-use ids are sent exactly as they came in.
import type { CacheHint, Message, TextPart, UserPart } from '../../core/canonical/content';
import type { CanonicalRequest, ToolChoice } from '../../core/canonical/request';
import { BadRequestError } from '../../wire/errors';
import type {
  CacheControl,
  MediaSourceBlock,
  MessagesRequest,
  RequestBlock,
  RequestMessage,
  RequestToolChoice,
  TextBlock,
  ThinkingConfig,
} from '../../wire/formats/anthropic';
import type { UpstreamCall } from '../provider';
import { asFunctionTools, functionArguments } from '../freeform';
import { planSchemaTool, type SchemaToolPlan } from '../schema-tool';

export function cacheControl(hint: CacheHint | undefined): { cache_control?: CacheControl } {
  return hint ? { cache_control: { type: 'ephemeral', ...(hint.ttl ? { ttl: hint.ttl } : {}) } } : {};
}

function source(s: Extract<UserPart, { type: 'image' }>['source']): MediaSourceBlock {
  return s.kind === 'url' ? { type: 'url', url: s.url } : { type: 'base64', media_type: s.mediaType, data: s.data };
}

function textBlock(p: TextPart): TextBlock[] {
  return p.text ? [{ type: 'text', text: p.text, ...cacheControl(p.cache) }] : [];
}

/** Anthropic wants tool input as an object; the canonical form carries the JSON text the model produced. */
function toolInput(args: string, name: string): unknown {
  if (args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through
  }
  throw new BadRequestError(`The arguments of the call to tool "${name}" must be a JSON object.`, { param: 'messages', code: 'invalid_tool_arguments' });
}

function blocksOf(m: Exclude<Message, { role: 'system' }>): RequestBlock[] {
  switch (m.role) {
    case 'user':
      return m.content.flatMap((p): RequestBlock[] => {
        if (p.type === 'text') return textBlock(p);
        if (p.type === 'image') return [{ type: 'image', source: source(p.source), ...cacheControl(p.cache) }];
        return [{ type: 'document', source: source(p.source), ...(p.title ? { title: p.title } : {}), ...cacheControl(p.cache) }];
      });
    case 'assistant':
      return m.content.flatMap((p): RequestBlock[] => {
        if (p.type === 'text') return textBlock(p);
        if (p.type === 'tool-call') return [{ type: 'tool_use', id: p.callId, name: p.name, input: toolInput(functionArguments(p), p.name), ...cacheControl(p.cache) }];
        // Reasoning Anthropic cannot verify (another provider's) is not sent: it would be rejected.
        if (p.redacted !== undefined) return [{ type: 'redacted_thinking', data: p.redacted }];
        if (p.signature) return [{ type: 'thinking', thinking: p.text, signature: p.signature }];
        return [];
      });
    case 'tool':
      return m.content.map((r) => ({
        type: 'tool_result',
        tool_use_id: r.callId,
        content:
          r.content.length === 1 && r.content[0]!.type === 'text' && !r.content[0]!.cache
            ? r.content[0]!.text
            : r.content.flatMap((c): Array<TextBlock | { type: 'image'; source: MediaSourceBlock }> => (c.type === 'text' ? textBlock(c) : [{ type: 'image', source: source(c.source), ...cacheControl(c.cache) }])),
        ...(r.isError ? { is_error: true } : {}),
        ...cacheControl(r.cache),
      }));
  }
}

/** The conversation without its system messages, in alternating Anthropic turns. */
export function toAnthropicMessages(messages: readonly Message[]): RequestMessage[] {
  const out: Array<{ role: 'user' | 'assistant'; content: RequestBlock[] }> = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
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

/** System text as one string, or as blocks when any part carries a cache breakpoint (which a string cannot). */
export function toAnthropicSystem(messages: readonly Message[]): string | TextBlock[] | undefined {
  const parts = messages.flatMap((m) => (m.role === 'system' ? m.content.filter((p) => p.text) : []));
  if (parts.length === 0) return undefined;
  if (parts.some((p) => p.cache)) return parts.map((p) => ({ type: 'text', text: p.text, ...cacheControl(p.cache) }));
  return parts.map((p) => p.text).join('\n\n');
}

function toolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined): RequestToolChoice | undefined {
  const disable = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (!choice) return parallel === false ? { type: 'auto', ...disable } : undefined;
  if (choice.type === 'none') return { type: 'none' };
  if (choice.type === 'required') return { type: 'any', ...disable };
  if (choice.type === 'tool') return { type: 'tool', name: choice.name, ...disable };
  return { type: 'auto', ...disable };
}

/** Thinking budgets for an effort level where the client gave no budget of its own. */
const BUDGET_BY_EFFORT = { minimal: 1_024, low: 2_048, medium: 8_192, high: 24_576 } as const;

/** Anthropic's thinking config: at least 1,024 tokens and below max_tokens, or none. */
export function thinkingConfig(r: CanonicalRequest, maxTokens: number): ThinkingConfig | undefined {
  const wanted = r.reasoning?.budgetTokens ?? (r.reasoning?.effort ? BUDGET_BY_EFFORT[r.reasoning.effort] : undefined);
  if (wanted === undefined) return undefined;
  const budget = Math.min(wanted, maxTokens - 1);
  return budget >= 1_024 ? { type: 'enabled', budget_tokens: budget } : undefined;
}

export function toAnthropicBody(call: UpstreamCall, stream: boolean): { body: MessagesRequest; plan?: SchemaToolPlan } {
  const r = call.request;
  const s = r.sampling;
  const plan = planSchemaTool(r);
  // A forced tool call and extended thinking cannot go together; the schema wins.
  const thinking = call.model.reasoning && !plan ? thinkingConfig(r, call.maxTokens) : undefined;
  const toolList = asFunctionTools(plan?.tools ?? r.tools ?? []);
  const tools = toolList.length
    ? toolList.map((t) => ({ name: t.name, ...(t.description !== undefined && { description: t.description }), input_schema: t.parameters, ...cacheControl(t.cache) }))
    : undefined;
  const choice = tools ? toolChoice(plan?.toolChoice ?? r.toolChoice, r.parallelToolCalls) : undefined;
  const system = toAnthropicSystem(r.messages);
  const body: MessagesRequest = {
    model: call.upstreamModel,
    max_tokens: call.maxTokens,
    messages: toAnthropicMessages(r.messages),
    ...(system !== undefined && { system }),
    // With thinking on, Anthropic accepts no temperature or top_k, and top_p only from 0.95 up.
    ...(!thinking && s.temperature !== undefined && { temperature: Math.min(s.temperature, 1) }),
    // Current Claude models reject temperature and top_p together; temperature is the one callers mean.
    ...(s.topP !== undefined && s.temperature === undefined && (!thinking || s.topP >= 0.95) && { top_p: s.topP }),
    ...(!thinking && s.topK !== undefined && { top_k: s.topK }),
    ...(s.stop?.length && { stop_sequences: s.stop }),
    ...(tools && { tools }),
    ...(choice && { tool_choice: choice }),
    ...(thinking && { thinking }),
    ...(r.user !== undefined && { metadata: { user_id: r.user } }),
    ...(stream && { stream: true }),
  };
  return { body, ...(plan ? { plan } : {}) };
}
