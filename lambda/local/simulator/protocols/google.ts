// Google Gemini's generateContent / streamGenerateContent (SSE framing only, as `?alt=sse` asks for).
import type { SimAnswer, SimRequest } from '../answer';
import { implicitPrefix } from '../cache';
import type { SimCall, SimFrame, SimProtocol } from '../protocol';
import { SimBadRequest } from '../protocol';

interface GeminiPart {
  text?: string;
  thought?: boolean;
  functionCall?: { name: string; args?: unknown };
  functionResponse?: { name: string; response?: Record<string, unknown> };
}

interface GeminiBody {
  contents?: Array<{ role?: string; parts?: GeminiPart[] }>;
  systemInstruction?: { parts?: GeminiPart[] };
  tools?: Array<{ functionDeclarations?: Array<{ name: string; parameters?: Record<string, unknown>; parametersJsonSchema?: Record<string, unknown> }> }>;
  toolConfig?: { functionCallingConfig?: { mode?: string; allowedFunctionNames?: string[] } };
  generationConfig?: {
    thinkingConfig?: { thinkingBudget?: number; includeThoughts?: boolean };
    maxOutputTokens?: number;
    responseMimeType?: string;
    responseSchema?: Record<string, unknown>;
    responseJsonSchema?: Record<string, unknown>;
  };
}

const ENDPOINT = /^\/v1beta\/models\/([^/:?]+):(generateContent|streamGenerateContent)(?:\?(.*))?$/;

/** Keywords of JSON Schema that Gemini's OpenAPI Schema object has no field for: the real API answers 400. */
const REJECTED_KEYWORDS = ['additionalProperties', '$schema'];

/** Finds a rejected keyword in schema positions (property names are data, not keywords). */
function rejectedKeyword(schema: unknown, at: string): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  if (Array.isArray(schema)) return schema.map((s, i) => rejectedKeyword(s, `${at}[${i}]`)).find(Boolean);
  const s = schema as Record<string, unknown>;
  const bad = REJECTED_KEYWORDS.find((k) => k in s);
  if (bad) return `Invalid JSON payload received. Unknown name "${bad}" at '${at}': Cannot find field.`;
  const props = s.properties && typeof s.properties === 'object' ? Object.entries(s.properties) : [];
  return (
    props.map(([name, sub]) => rejectedKeyword(sub, `${at}.properties[${name}].value`)).find(Boolean) ??
    ['items', 'anyOf'].map((k) => rejectedKeyword(s[k], `${at}.${k}`)).find(Boolean)
  );
}

const textOf = (parts: GeminiPart[] | undefined) =>
  (parts ?? []).map((p) => (typeof p.text === 'string' && !p.thought ? p.text : '')).join(' ').trim();

function responseText(response: Record<string, unknown> | undefined): string {
  const content = response?.content ?? response?.result ?? response;
  return typeof content === 'string' ? content : JSON.stringify(content ?? {});
}

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function parts(a: SimAnswer, text: string, thoughts: boolean): unknown[] {
  const thought = thoughts && a.reasoningSummary ? [{ text: a.reasoningSummary.join(''), thought: true }] : [];
  return [...thought, ...(a.toolCall ? [{ functionCall: { name: a.toolCall.name, args: JSON.parse(a.toolCall.arguments) as unknown } }] : [{ text }])];
}

/** Gemini counts thoughts apart from the answer's tokens (candidates); cached tokens are part of the prompt's. */
function usage(a: SimAnswer, completionTokens: number) {
  const thoughts = a.reasoningTokens;
  const candidates = Math.max(0, completionTokens - thoughts);
  return {
    promptTokenCount: a.promptTokens,
    candidatesTokenCount: candidates,
    ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
    ...(a.cacheReadTokens ? { cachedContentTokenCount: a.cacheReadTokens } : {}),
    totalTokenCount: a.promptTokens + candidates + thoughts,
  };
}

/** Gemini 2.5 models think; Flash-Lite only when given a thinking budget. */
const thinks = (model: string, budget: number | undefined) => (/flash-lite/.test(model) ? (budget ?? 0) > 0 : /gemini-2\.5/.test(model) && budget !== 0);
const showsThoughts = (b: GeminiBody) => b.generationConfig?.thinkingConfig?.includeThoughts === true;

function chunk(call: SimCall, candidate: Record<string, unknown>, usageMetadata: unknown): string {
  const body = { candidates: [{ ...candidate, index: 0 }], usageMetadata, modelVersion: call.model, responseId: 'sim-google' };
  return `data: ${JSON.stringify(body)}\r\n\r\n`;
}

export const googleProtocol: SimProtocol = {
  kind: 'google',
  streamContentType: 'text/event-stream',
  garbled: 'data: {"candidates":[{"content":\r\n\r\n',

  match(method, path, body) {
    const m = ENDPOINT.exec(path);
    if (method !== 'POST' || !m) return undefined;
    const stream = m[2] === 'streamGenerateContent';
    // Without alt=sse Gemini streams one JSON array; the simulator speaks only the SSE framing.
    if (stream && !new URLSearchParams(m[3] ?? '').getAll('alt').includes('sse')) return undefined;
    return { model: m[1] ?? '', stream, body };
  },

  parse(call, ctx): SimRequest {
    const b = (call.body ?? {}) as GeminiBody;
    if (!Array.isArray(b.contents) || b.contents.length === 0) throw new SimBadRequest('* GenerateContentRequest.contents: contents is not specified');
    const messages: SimRequest['messages'] = [];
    const system = textOf(b.systemInstruction?.parts);
    if (system) messages.push({ role: 'system', text: system });
    b.contents.forEach((content, i) => {
      const role = content.role ?? 'user';
      if (role !== 'user' && role !== 'model') throw new SimBadRequest(`Please use a valid role: user, model. (contents[${i}].role "${role}")`);
      if (!Array.isArray(content.parts) || content.parts.length === 0) throw new SimBadRequest(`* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`);
      for (const p of content.parts) {
        if (p.functionResponse) messages.push({ role: 'tool', text: responseText(p.functionResponse.response) });
      }
      const text = textOf(content.parts);
      const calls = content.parts.flatMap((p) => (p.functionCall ? [p.functionCall.name] : []));
      if (text || calls.length > 0 || !content.parts.some((p) => p.functionResponse)) {
        messages.push({ role: role === 'model' ? 'assistant' : 'user', text });
      }
    });
    const tools = (b.tools ?? []).flatMap((t, i) =>
      (t.functionDeclarations ?? []).map((d, j) => {
        const bad = rejectedKeyword(d.parameters, `tools[${i}].function_declarations[${j}].parameters`);
        if (bad) throw new SimBadRequest(bad);
        return { name: d.name, parameters: d.parameters ?? d.parametersJsonSchema };
      }),
    );
    const g = b.generationConfig ?? {};
    const bad = rejectedKeyword(g.responseSchema, 'generation_config.response_schema');
    if (bad) throw new SimBadRequest(bad);
    const schema = g.responseSchema ?? g.responseJsonSchema;
    const fc = b.toolConfig?.functionCallingConfig;
    const toolChoice: SimRequest['toolChoice'] =
      fc?.mode === 'NONE' ? { type: 'none' } : fc?.mode === 'ANY' ? (fc.allowedFunctionNames?.length === 1 ? { type: 'tool', name: fc.allowedFunctionNames[0]! } : { type: 'required' }) : undefined;
    return {
      model: call.model,
      messages,
      tools,
      ...(toolChoice ? { toolChoice } : {}),
      maxTokens: g.maxOutputTokens,
      json: schema ?? (g.responseMimeType === 'application/json' ? true : undefined),
      reasoning: thinks(call.model, g.thinkingConfig?.thinkingBudget),
      cache: ctx.cache.use(implicitPrefix(messages), false),
    };
  },

  json(a, call) {
    return {
      candidates: [
        {
          content: { role: 'model', parts: parts(a, a.pieces.join(''), showsThoughts(call.body as GeminiBody)) },
          finishReason: a.finish === 'length' ? 'MAX_TOKENS' : 'STOP',
          index: 0,
        },
      ],
      usageMetadata: usage(a, a.completionTokens),
      modelVersion: call.model,
      responseId: 'sim-google',
    };
  },

  frames(a, call): SimFrame[] {
    // Like Gemini, every chunk reports usage so far; only the last one's counts are final.
    const frames: SimFrame[] = [];
    if (showsThoughts(call.body as GeminiBody) && a.reasoningSummary) {
      for (const piece of a.reasoningSummary) frames.push({ data: chunk(call, { content: { role: 'model', parts: [{ text: piece, thought: true }] } }, usage(a, 0)), token: true });
    }
    if (a.toolCall) {
      frames.push({ data: chunk(call, { content: { role: 'model', parts: parts(a, '', false) } }, usage(a, 0)), token: true });
    } else {
      a.pieces.forEach((piece, i) => {
        frames.push({ data: chunk(call, { content: { role: 'model', parts: [{ text: piece }] } }, usage(a, i + 1)), token: true });
      });
    }
    const finish = { content: { role: 'model', parts: [{ text: '' }] }, finishReason: a.finish === 'length' ? 'MAX_TOKENS' : 'STOP' };
    frames.push({ data: chunk(call, finish, usage(a, a.completionTokens)), token: false });
    return frames;
  },

  error(status, message) {
    return { error: { code: status, message, status: STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT') } };
  },
};
