// OpenAI chat request -> Gemini GenerateContentRequest.
import { UpstreamError } from '../../openai/errors';
import type { AssistantMessage, ChatMessage, ContentPart, TextPart, ToolChoice } from '../../openai/types';
import type { UpstreamCall } from '../provider';
import { toGeminiSchema } from './schema';
import type { GeminiContent, GeminiGenerationConfig, GeminiPart, GeminiRequest } from './wire';

/**
 * Gemini returns no ids for function calls, so the adapter makes them: position in the answer plus name.
 * Carrying the name in the id keeps a later tool message resolvable even when ids repeat across turns.
 */
export function toolCallId(index: number, name: string): string {
  return `call_${index}_${name}`;
}

const textOf = (content: string | TextPart[] | null): string =>
  typeof content === 'string' ? content : (content ?? []).map((p) => p.text).join('');

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

function guessMime(url: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return MIME_BY_EXTENSION[ext] ?? 'image/jpeg';
}

function imagePart(url: string): GeminiPart {
  const data = /^data:([^;,]+)?((?:;[^;,]*)*?)(;base64)?,(.*)$/s.exec(url);
  if (data) {
    const mimeType = data[1] ?? 'image/jpeg';
    const payload = data[4] ?? '';
    return { inlineData: { mimeType, data: data[3] ? payload : Buffer.from(decodeURIComponent(payload)).toString('base64') } };
  }
  return { fileData: { mimeType: guessMime(url), fileUri: url } };
}

function userParts(content: string | ContentPart[]): GeminiPart[] {
  if (typeof content === 'string') return [{ text: content }];
  return content.map((p) => (p.type === 'text' ? { text: p.text } : imagePart(p.image_url.url)));
}

/** Gemini wants args as an object; arguments a model once produced that are not one are kept, not dropped. */
function parseArgs(raw: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw || '{}');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  return { arguments: raw };
}

function modelParts(message: AssistantMessage): GeminiPart[] {
  const text = textOf(message.content);
  const parts: GeminiPart[] = text ? [{ text }] : [];
  for (const call of message.tool_calls ?? []) {
    parts.push({ functionCall: { name: call.function.name, args: parseArgs(call.function.arguments) } });
  }
  return parts;
}

/** Tool messages name their call only by id; Gemini's functionResponse wants the function's name. */
function functionNames(messages: ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) {
    if (m.role === 'assistant') for (const call of m.tool_calls ?? []) names.set(call.id, call.function.name);
  }
  return names;
}

function toContents(messages: ChatMessage[], provider: string): { contents: GeminiContent[]; system: string[] } {
  const names = functionNames(messages);
  const contents: GeminiContent[] = [];
  const system: string[] = [];
  const push = (role: GeminiContent['role'], parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    // Gemini expects turns to alternate; parallel tool results in particular must share one content.
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const m of messages) {
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(textOf(m.content));
        break;
      case 'user':
        push('user', userParts(m.content));
        break;
      case 'assistant':
        push('model', modelParts(m));
        break;
      case 'tool': {
        const name = names.get(m.tool_call_id);
        if (!name) throw new UpstreamError(`${provider}: tool message answers unknown tool_call_id "${m.tool_call_id}"`, 400, { param: 'messages' });
        push('user', [{ functionResponse: { name, response: { content: textOf(m.content) } } }]);
        break;
      }
    }
  }
  return { contents, system };
}

function toolConfig(choice: ToolChoice | undefined): GeminiRequest['toolConfig'] {
  if (choice === undefined) return undefined;
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
}

function generationConfig(call: UpstreamCall): GeminiGenerationConfig {
  const r = call.request;
  const format = r.response_format;
  return {
    maxOutputTokens: call.maxTokens,
    ...(r.temperature !== undefined && { temperature: r.temperature }),
    ...(r.top_p !== undefined && { topP: r.top_p }),
    ...(r.stop !== undefined && r.stop.length > 0 && { stopSequences: r.stop }),
    ...(r.seed !== undefined && { seed: r.seed }),
    ...(r.presence_penalty !== undefined && { presencePenalty: r.presence_penalty }),
    ...(r.frequency_penalty !== undefined && { frequencyPenalty: r.frequency_penalty }),
    ...((format?.type === 'json_object' || format?.type === 'json_schema') && { responseMimeType: 'application/json' }),
    ...(format?.type === 'json_schema' && format.json_schema.schema && { responseSchema: toGeminiSchema(format.json_schema.schema) }),
  };
}

export function toGeminiRequest(call: UpstreamCall, provider: string): GeminiRequest {
  const r = call.request;
  const { contents, system } = toContents(r.messages, provider);
  const tools = r.tools?.length
    ? [
        {
          functionDeclarations: r.tools.map((t) => ({
            name: t.function.name,
            ...(t.function.description !== undefined && { description: t.function.description }),
            ...(t.function.parameters !== undefined && { parameters: toGeminiSchema(t.function.parameters) }),
          })),
        },
      ]
    : undefined;
  // A function-calling mode without declarations is an error upstream, so it travels only with tools.
  const config = tools ? toolConfig(r.tool_choice) : undefined;
  return {
    contents,
    ...(system.length > 0 && { systemInstruction: { parts: system.map((text) => ({ text })) } }),
    ...(tools && { tools }),
    ...(config && { toolConfig: config }),
    generationConfig: generationConfig(call),
  };
}
