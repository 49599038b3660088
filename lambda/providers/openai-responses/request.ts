// Canonical request -> OpenAI Responses API body. The gateway keeps conversation state itself, so OpenAI
// is always called with `store: false`, and reasoning comes back encrypted (include
// reasoning.encrypted_content) so a later turn can hand it back: reasoning items survive the round trip.
import type { Message, UserPart } from '../../core/canonical/content';
import { joinText } from '../../core/canonical/content';
import type { CanonicalRequest, ReasoningEffort } from '../../core/canonical/request';
import type { CustomTool, FunctionTool, InputContent, InputItem, TextFormat, ToolChoice } from '../../wire/formats/openai-responses';
import type { UpstreamCall } from '../provider';

function mediaUrl(source: Extract<UserPart, { type: 'image' }>['source']): string {
  return source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
}

function userContent(parts: UserPart[]): InputContent[] {
  return parts.map((p): InputContent => {
    if (p.type === 'text') return { type: 'input_text', text: p.text };
    if (p.type === 'image') return { type: 'input_image', image_url: mediaUrl(p.source), detail: p.detail ?? 'auto' };
    return p.source.kind === 'url'
      ? { type: 'input_file', file_url: p.source.url }
      : { type: 'input_file', file_data: `data:${p.source.mediaType};base64,${p.source.data}`, filename: p.title ?? 'document.pdf' };
  });
}

export function toResponsesInput(messages: readonly Message[]): InputItem[] {
  const out: InputItem[] = [];
  // A freeform call's output goes back as a custom tool output: which calls were freeform, by call id.
  const freeform = new Set(messages.flatMap((m) => (m.role === 'assistant' ? m.content.flatMap((p) => (p.type === 'tool-call' && p.freeform ? [p.callId] : [])) : [])));
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        out.push({ type: 'message', role: 'system', content: joinText(m.content, '\n\n') });
        break;
      case 'user':
        out.push({ type: 'message', role: 'user', content: userContent(m.content) });
        break;
      case 'assistant':
        for (const p of m.content) {
          if (p.type === 'text') {
            if (p.text) out.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: p.text, annotations: [] }] });
          } else if (p.type === 'tool-call') {
            out.push(p.freeform ? { type: 'custom_tool_call', call_id: p.callId, name: p.name, input: p.arguments } : { type: 'function_call', call_id: p.callId, name: p.name, arguments: p.arguments });
          } else if (p.encrypted && p.id) {
            // Only OpenAI's own encrypted reasoning can be handed back; anyone else's is dropped.
            out.push({ type: 'reasoning', id: p.id, summary: (p.summary ?? []).map((text) => ({ type: 'summary_text', text })), encrypted_content: p.encrypted });
          }
        }
        break;
      case 'tool':
        for (const r of m.content) {
          const onlyText = r.content.every((c) => c.type === 'text');
          out.push({
            type: freeform.has(r.callId) ? 'custom_tool_call_output' : 'function_call_output',
            call_id: r.callId,
            output: onlyText
              ? joinText(r.content)
              : r.content.map((c) => (c.type === 'text' ? { type: 'input_text' as const, text: c.text } : { type: 'input_image' as const, image_url: mediaUrl(c.source), detail: c.detail ?? 'auto' })),
          });
        }
        break;
    }
  }
  return out;
}

function toolChoice(r: CanonicalRequest): ToolChoice | undefined {
  const c = r.toolChoice;
  if (!c) return undefined;
  if (c.type !== 'tool') return c.type;
  return r.tools?.find((t) => t.name === c.name)?.freeform ? { type: 'custom', name: c.name } : { type: 'function', name: c.name };
}

function textFormat(r: CanonicalRequest): TextFormat | undefined {
  const o = r.output;
  if (!o || o.type === 'text') return undefined;
  if (o.type === 'json') return { type: 'json_object' };
  return { type: 'json_schema', name: o.name, schema: o.schema, ...(o.description && { description: o.description }), strict: o.strict ?? false };
}

/** Anthropic-style thinking budgets mapped to OpenAI's effort levels. */
function effortOf(r: CanonicalRequest): ReasoningEffort | undefined {
  const { effort, budgetTokens } = r.reasoning ?? {};
  if (effort) return effort;
  if (budgetTokens === undefined) return undefined;
  return budgetTokens < 2_048 ? 'low' : budgetTokens < 16_384 ? 'medium' : 'high';
}

export function toResponsesBody(call: UpstreamCall, stream: boolean): Record<string, unknown> {
  const r = call.request;
  const s = r.sampling;
  const reasoning = call.model.reasoning;
  const effort = effortOf(r);
  const format = textFormat(r);
  const choice = toolChoice(r);
  const tools: Array<FunctionTool | CustomTool> | undefined = r.tools?.map((t) =>
    t.freeform
      ? { type: 'custom', name: t.name, ...(t.description !== undefined && { description: t.description }), ...(t.freeform.format && { format: t.freeform.format }) }
      : {
          type: 'function',
          name: t.name,
          ...(t.description !== undefined && { description: t.description }),
          parameters: t.parameters,
          // The Responses API defaults function tools to strict; the canonical default is chat's (not strict).
          strict: t.strict ?? false,
        },
  );
  return {
    model: call.upstreamModel,
    input: toResponsesInput(r.messages),
    max_output_tokens: call.maxTokens,
    store: false,
    // Reasoning models take no sampling parameters (OpenAI rejects temperature and top_p for them).
    ...(!reasoning && s.temperature !== undefined && { temperature: s.temperature }),
    ...(!reasoning && s.topP !== undefined && { top_p: s.topP }),
    // Summaries only when the client asked: OpenAI requires a verified organisation for them.
    ...(reasoning && { reasoning: { ...(effort && { effort }), ...(r.reasoning?.summary && { summary: r.reasoning.summary }) }, include: ['reasoning.encrypted_content'] }),
    ...(tools?.length && { tools }),
    ...(tools?.length && choice && { tool_choice: choice }),
    ...(tools?.length && r.parallelToolCalls !== undefined && { parallel_tool_calls: r.parallelToolCalls }),
    ...(format && { text: { format } }),
    ...(r.user !== undefined && { user: r.user }),
    ...(stream && { stream: true }),
  };
}
