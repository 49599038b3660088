// Gemini GenerateContentResponse -> envelope-free OpenAI result, shared by the whole and the streamed answer.
import { UpstreamError } from '../../openai/errors';
import type { CompletionResult, FinishReason, ToolCall, Usage } from '../../openai/types';
import { assistantMessage, contentOf } from '../message';
import { toolCallId } from './request';
import type { GeminiCandidate, GeminiErrorBody, GeminiPart, GeminiResponse, GeminiUsageMetadata } from './wire';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

/** Gemini says STOP after a function call too; OpenAI clients look for tool_calls to run the tools. */
export function finishReason(reason: string, calledTools: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  return calledTools ? 'tool_calls' : 'stop';
}

/** Thinking tokens are billed as output, so they count as completion tokens. */
export function toUsage(meta: GeminiUsageMetadata | undefined): Usage {
  const prompt = meta?.promptTokenCount ?? 0;
  const completion = (meta?.candidatesTokenCount ?? 0) + (meta?.thoughtsTokenCount ?? 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The answer's visible text; reasoning summaries (thought parts) are not part of it. */
export function answerText(parts: GeminiPart[]): string {
  return parts.map((p) => (p.text !== undefined && !p.thought ? p.text : '')).join('');
}

/** Function-call parts as OpenAI tool calls, numbered from `first` (their position in the whole answer). */
export function toolCalls(parts: GeminiPart[], first = 0): ToolCall[] {
  return parts
    .flatMap((p) => (p.functionCall ? [p.functionCall] : []))
    .map((call, i) => ({
      id: toolCallId(first + i, call.name),
      type: 'function',
      function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
    }));
}

function firstCandidate(body: GeminiResponse): GeminiCandidate | undefined {
  return body.candidates?.find((c) => (c.index ?? 0) === 0) ?? body.candidates?.[0];
}

export function fromGeminiResponse(body: GeminiResponse, provider: string): CompletionResult {
  const candidate = firstCandidate(body);
  if (!candidate) {
    // A blocked prompt comes back as 200 with feedback and no candidates.
    if (body.promptFeedback?.blockReason) {
      return { message: assistantMessage(null, []), finishReason: 'content_filter', usage: toUsage(body.usageMetadata) };
    }
    throw new UpstreamError(`${provider} returned no candidates`, 502);
  }
  const parts = candidate.content?.parts ?? [];
  const text = answerText(parts);
  const calls = toolCalls(parts);
  return {
    // A candidate without parts said nothing at all, which is null content rather than an empty answer.
    message: assistantMessage(parts.length === 0 ? null : contentOf(text, calls), calls),
    finishReason: finishReason(candidate.finishReason ?? 'STOP', calls.length > 0),
    usage: toUsage(body.usageMetadata),
  };
}

/** The human-readable part of a Google error body, for UpstreamError messages. */
export function errorMessage(body: unknown): string | undefined {
  const error = (body as GeminiErrorBody | undefined)?.error;
  if (!error?.message) return undefined;
  return error.status ? `${error.status}: ${error.message}` : error.message;
}
