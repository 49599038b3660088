// Canonical request -> OpenAI chat completions body, for OpenAI-compatible hosts (DeepSeek, Mistral, Groq,
// Ollama, vLLM). Reasoning from earlier turns is not sent back: these hosts cannot verify it, and DeepSeek
// rejects its own reasoning_content in the input.
import type { Message, UserPart } from '../../core/canonical/content';
import { joinText } from '../../core/canonical/content';
import type { Tool, ToolChoice } from '../../core/canonical/request';
import type { ChatContentPart, ChatFunctionTool, ChatMessage, ChatToolChoice } from '../../wire/formats/openai-chat';
import { BadRequestError } from '../../wire/errors';
import type { ProviderInstance, UpstreamCall } from '../provider';
import { asFunctionTools, functionArguments } from '../freeform';
import { planSchemaTool, type SchemaToolPlan } from '../schema-tool';

function mediaUrl(source: Extract<UserPart, { type: 'image' }>['source']): string {
  return source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
}

function userContent(parts: UserPart[]): string | ChatContentPart[] {
  if (parts.every((p) => p.type === 'text')) return joinText(parts);
  return parts.map((p): ChatContentPart => {
    if (p.type === 'text') return { type: 'text', text: p.text };
    if (p.type === 'image') return { type: 'image_url', image_url: { url: mediaUrl(p.source), ...(p.detail ? { detail: p.detail } : {}) } };
    throw new BadRequestError('Documents are not supported by this model.', { param: 'messages', code: 'unsupported_content' });
  });
}

export function toChatMessages(messages: readonly Message[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        out.push({ role: 'system', content: joinText(m.content, '\n\n') });
        break;
      case 'user':
        out.push({ role: 'user', content: userContent(m.content) });
        break;
      case 'assistant': {
        const text = joinText(m.content);
        const calls = m.content.flatMap((p) => (p.type === 'tool-call' ? [{ id: p.callId, type: 'function' as const, function: { name: p.name, arguments: functionArguments(p) } }] : []));
        if (!text && calls.length === 0) break;
        out.push({ role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) });
        break;
      }
      case 'tool':
        // One tool message per result; chat tool messages carry text only.
        for (const r of m.content) out.push({ role: 'tool', tool_call_id: r.callId, content: joinText(r.content) });
        break;
    }
  }
  return out;
}

export function toChatTools(tools: readonly Tool[]): ChatFunctionTool[] {
  return asFunctionTools(tools).map((t) => ({
    type: 'function',
    function: { name: t.name, ...(t.description !== undefined && { description: t.description }), parameters: t.parameters, ...(t.strict !== undefined && { strict: t.strict }) },
  }));
}

export function toChatToolChoice(choice: ToolChoice): ChatToolChoice {
  return choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type;
}

/** The body and, when the host has no schema mode of its own, the schema tool that stands in for it. */
export function toChatBody(call: UpstreamCall, instance: ProviderInstance, stream: boolean): { body: Record<string, unknown>; plan?: SchemaToolPlan } {
  const r = call.request;
  const s = r.sampling;
  const native = instance.nativeJsonSchema === true || r.output?.type === 'json';
  const plan = native ? undefined : planSchemaTool(r);
  const tools = plan?.tools ?? r.tools;
  const choice = plan?.toolChoice ?? r.toolChoice;
  const format =
    r.output?.type === 'json'
      ? { type: 'json_object' }
      : r.output?.type === 'json_schema' && !plan
        ? { type: 'json_schema', json_schema: { name: r.output.name, schema: r.output.schema, ...(r.output.description && { description: r.output.description }), ...(r.output.strict !== undefined && { strict: r.output.strict }) } }
        : undefined;
  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    messages: toChatMessages(r.messages),
    max_tokens: call.maxTokens,
    ...(s.temperature !== undefined && { temperature: s.temperature }),
    ...(s.topP !== undefined && { top_p: s.topP }),
    ...(s.stop?.length && { stop: s.stop }),
    ...(s.seed !== undefined && { seed: s.seed }),
    ...(s.presencePenalty !== undefined && { presence_penalty: s.presencePenalty }),
    ...(s.frequencyPenalty !== undefined && { frequency_penalty: s.frequencyPenalty }),
    ...(tools?.length && { tools: toChatTools(tools) }),
    ...(tools?.length && choice && { tool_choice: toChatToolChoice(choice) }),
    ...(tools?.length && r.parallelToolCalls !== undefined && { parallel_tool_calls: r.parallelToolCalls }),
    ...(format && { response_format: format }),
    ...(r.user !== undefined && { user: r.user }),
    ...(stream && { stream: true, stream_options: { include_usage: true } }),
  };
  return { body, ...(plan ? { plan } : {}) };
}
