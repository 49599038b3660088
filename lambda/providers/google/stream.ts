// Gemini's streamGenerateContent?alt=sse: every `data:` event is a whole GenerateContentResponse holding the
// next slice of the answer. Text arrives in pieces; a function call always arrives whole in one part.
import { UpstreamError } from '../../openai/errors';
import { decodeSse } from '../../openai/sse';
import type { StreamPiece } from '../../openai/types';
import { streamCut } from '../http';
import { answerText, errorMessage, finishReason, toolCalls, toUsage } from './response';
import type { GeminiResponse, GeminiUsageMetadata } from './wire';

/**
 * Upstream chunks to pieces. Usage metadata rides on many chunks and only the last one is final, so usage
 * is yielded once, after the stream ended, following the finish piece. No finish reason means a cut stream.
 */
export async function* fromGeminiStream(bytes: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<StreamPiece> {
  let finished = false;
  let calls = 0;
  let usage: GeminiUsageMetadata | undefined;
  for await (const event of decodeSse(bytes)) {
    const chunk = JSON.parse(event.data) as GeminiResponse & { error?: unknown };
    if (chunk.error) {
      const detail = errorMessage(chunk);
      throw new UpstreamError(`${provider} failed mid-stream${detail ? `: ${detail}` : ''}`, 'stream');
    }
    if (chunk.usageMetadata) usage = chunk.usageMetadata;
    if (finished) continue;

    const candidate = chunk.candidates?.[0];
    if (!candidate) {
      if (chunk.promptFeedback?.blockReason) {
        finished = true;
        yield { finishReason: 'content_filter' };
      }
      continue;
    }
    const parts = candidate.content?.parts ?? [];
    const text = answerText(parts);
    if (text) yield { delta: { content: text } };
    const newCalls = toolCalls(parts, calls);
    if (newCalls.length > 0) {
      yield {
        delta: {
          tool_calls: newCalls.map((c, i) => ({ index: calls + i, id: c.id, type: 'function', function: c.function })),
        },
      };
      calls += newCalls.length;
    }
    if (candidate.finishReason) {
      finished = true;
      yield { finishReason: finishReason(candidate.finishReason, calls > 0) };
    }
  }
  if (!finished) throw streamCut(provider);
  yield { usage: toUsage(usage) };
}
