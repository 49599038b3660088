// Gemini GenerateContentResponse -> canonical result, shared by the whole and the streamed answer.
import type { AssistantPart } from '../../core/canonical/content';
import type { CanonicalResult, FinishReason } from '../../core/canonical/result';
import { usage, type Usage } from '../../core/canonical/usage';
import { UpstreamError } from '../../wire/errors';
import { toolCallId } from './request';
import type { GeminiCandidate, GeminiErrorBody, GeminiPart, GeminiResponse, GeminiUsageMetadata } from './wire';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

/** Gemini says STOP after a function call too; clients look for tool calls to run the tools. */
export function finishReason(reason: string, calledTools: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  return calledTools ? 'tool_calls' : 'stop';
}

/** Thinking tokens are billed as output: they count as output tokens, and as the reasoning part of them. */
export function toUsage(meta: GeminiUsageMetadata | undefined): Usage {
  const thoughts = meta?.thoughtsTokenCount ?? 0;
  return usage({
    inputTokens: meta?.promptTokenCount ?? 0,
    outputTokens: (meta?.candidatesTokenCount ?? 0) + thoughts,
    cacheReadTokens: meta?.cachedContentTokenCount ?? 0,
    reasoningTokens: thoughts,
  });
}

/** A candidate's parts as canonical content; call ids are numbered from `firstCall` in the whole answer. */
export function partsOf(parts: GeminiPart[], firstCall = 0): AssistantPart[] {
  let calls = firstCall;
  return parts.flatMap((p): AssistantPart[] => {
    if (p.functionCall) {
      const id = toolCallId(calls++, p.functionCall.name);
      return [{ type: 'tool-call', callId: id, name: p.functionCall.name, arguments: JSON.stringify(p.functionCall.args ?? {}) }];
    }
    if (p.text === undefined || p.text === '') return [];
    return p.thought ? [{ type: 'reasoning', text: p.text }] : [{ type: 'text', text: p.text }];
  });
}

export function firstCandidate(body: GeminiResponse): GeminiCandidate | undefined {
  return body.candidates?.find((c) => (c.index ?? 0) === 0) ?? body.candidates?.[0];
}

export function fromGeminiResponse(body: GeminiResponse, provider: string): CanonicalResult {
  const candidate = firstCandidate(body);
  if (!candidate) {
    // A blocked prompt comes back as 200 with feedback and no candidates.
    if (body.promptFeedback?.blockReason) return { content: [], reason: 'content_filter', usage: toUsage(body.usageMetadata) };
    throw new UpstreamError(`${provider} returned no candidates`, 502);
  }
  const content = partsOf(candidate.content?.parts ?? []);
  return {
    content,
    reason: finishReason(candidate.finishReason ?? 'STOP', content.some((p) => p.type === 'tool-call')),
    usage: toUsage(body.usageMetadata),
  };
}

/** The human-readable part of a Google error body, for UpstreamError messages. */
export function errorMessage(body: unknown): string | undefined {
  const error = (body as GeminiErrorBody | undefined)?.error;
  if (!error?.message) return undefined;
  return error.status ? `${error.status}: ${error.message}` : error.message;
}
