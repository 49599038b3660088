// Canonical request -> Gemini GenerateContentRequest.
import type { Message, UserPart } from '../../core/canonical/content';
import { joinText } from '../../core/canonical/content';
import type { CanonicalRequest, ToolChoice } from '../../core/canonical/request';
import { BadRequestError } from '../../wire/errors';
import type { UpstreamCall } from '../provider';
import { asFunctionTools, functionArguments } from '../freeform';
import { toGeminiSchema } from './schema';
import type { GeminiContent, GeminiGenerationConfig, GeminiPart, GeminiRequest } from './wire';

/**
 * Gemini returns no ids for function calls, so the adapter makes them: position in the answer plus name.
 * Carrying the name in the id keeps a later tool result resolvable even when ids repeat across turns.
 */
export function toolCallId(index: number, name: string): string {
  return `call_${index}_${name}`;
}

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

function guessMime(url: string, fallback: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return MIME_BY_EXTENSION[ext] ?? fallback;
}

function mediaPart(source: Extract<UserPart, { type: 'image' }>['source'], fallbackMime: string): GeminiPart {
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  const data = /^data:([^;,]+)?((?:;[^;,]*)*?)(;base64)?,(.*)$/s.exec(source.url);
  if (data) {
    const payload = data[4] ?? '';
    let bytes: string;
    try {
      bytes = data[3] ? payload : Buffer.from(decodeURIComponent(payload)).toString('base64');
    } catch {
      throw new BadRequestError('A data: URL has a malformed percent-escape.', { param: 'messages', code: 'invalid_value' });
    }
    return { inlineData: { mimeType: data[1] ?? fallbackMime, data: bytes } };
  }
  return { fileData: { mimeType: guessMime(source.url, fallbackMime), fileUri: source.url } };
}

function userParts(parts: UserPart[]): GeminiPart[] {
  return parts.flatMap((p): GeminiPart[] => {
    if (p.type === 'text') return p.text ? [{ text: p.text }] : [];
    return [mediaPart(p.source, p.type === 'image' ? 'image/jpeg' : 'application/pdf')];
  });
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

/** Tool results name their call only by id; Gemini's functionResponse wants the function's name. */
function functionNames(messages: readonly Message[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) {
    if (m.role === 'assistant') for (const p of m.content) if (p.type === 'tool-call') names.set(p.callId, p.name);
  }
  return names;
}

function toContents(messages: readonly Message[]): { contents: GeminiContent[]; system: string[] } {
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
        system.push(joinText(m.content, '\n\n'));
        break;
      case 'user':
        push('user', userParts(m.content));
        break;
      case 'assistant':
        // Reasoning from earlier turns is not sent back: Gemini cannot verify another model's thoughts.
        push(
          'model',
          m.content.flatMap((p): GeminiPart[] => {
            if (p.type === 'text') return p.text ? [{ text: p.text }] : [];
            if (p.type === 'tool-call') return [{ functionCall: { name: p.name, args: parseArgs(functionArguments(p)) } }];
            return [];
          }),
        );
        break;
      case 'tool':
        push(
          'user',
          m.content.map((r) => {
            const name = r.name ?? names.get(r.callId);
            if (!name) throw new BadRequestError(`A tool result answers the unknown tool call id "${r.callId}".`, { param: 'messages', code: 'unknown_tool_call' });
            return { functionResponse: { name, response: { content: joinText(r.content) } } };
          }),
        );
        break;
    }
  }
  return { contents, system };
}

function toolConfig(choice: ToolChoice | undefined): GeminiRequest['toolConfig'] {
  if (choice === undefined) return undefined;
  if (choice.type === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice.type === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice.type === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
}

const BUDGET_BY_EFFORT = { minimal: 512, low: 1_024, medium: 8_192, high: 24_576 } as const;

function generationConfig(call: UpstreamCall): GeminiGenerationConfig {
  const r: CanonicalRequest = call.request;
  const s = r.sampling;
  const o = r.output;
  const budget = r.reasoning?.budgetTokens ?? (r.reasoning?.effort ? BUDGET_BY_EFFORT[r.reasoning.effort] : undefined);
  return {
    maxOutputTokens: call.maxTokens,
    ...(s.temperature !== undefined && { temperature: s.temperature }),
    ...(s.topP !== undefined && { topP: s.topP }),
    ...(s.topK !== undefined && { topK: s.topK }),
    ...(s.stop?.length && { stopSequences: s.stop }),
    ...(s.seed !== undefined && { seed: s.seed }),
    ...(s.presencePenalty !== undefined && { presencePenalty: s.presencePenalty }),
    ...(s.frequencyPenalty !== undefined && { frequencyPenalty: s.frequencyPenalty }),
    ...(o && o.type !== 'text' && { responseMimeType: 'application/json' }),
    ...(o?.type === 'json_schema' && { responseSchema: toGeminiSchema(o.schema) }),
    ...(call.model.reasoning && budget !== undefined && { thinkingConfig: { thinkingBudget: budget, includeThoughts: true } }),
  };
}

export function toGeminiRequest(call: UpstreamCall): GeminiRequest {
  const r = call.request;
  const { contents, system } = toContents(r.messages);
  const tools = r.tools?.length
    ? [
        {
          functionDeclarations: asFunctionTools(r.tools).map((t) => ({
            name: t.name,
            ...(t.description !== undefined && { description: t.description }),
            parameters: toGeminiSchema(t.parameters),
          })),
        },
      ]
    : undefined;
  // A function-calling mode without declarations is an error upstream, so it travels only with tools.
  const config = tools ? toolConfig(r.toolChoice) : undefined;
  return {
    contents,
    ...(system.length > 0 && { systemInstruction: { parts: system.map((text) => ({ text })) } }),
    ...(tools && { tools }),
    ...(config && { toolConfig: config }),
    generationConfig: generationConfig(call),
  };
}
