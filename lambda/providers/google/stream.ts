// Gemini's streamGenerateContent?alt=sse: every `data:` event is a whole GenerateContentResponse holding the
// next slice of the answer. Text and thoughts arrive in pieces; a function call always arrives whole.
import type { StreamPart } from '../../core/canonical/result';
import { UpstreamError } from '../../wire/errors';
import { BlockSequencer } from '../blocks';
import { isDone, jsonEvents } from '../stream-json';
import { toolCallId } from './request';
import { errorMessage, finishReason, toUsage } from './response';
import type { GeminiResponse, GeminiUsageMetadata } from './wire';

/**
 * Usage metadata rides on many chunks and only the last one is final, so `finish` is yielded once, after
 * the stream ended. No finish reason means a cut stream.
 */
export async function* fromGeminiStream(bytes: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<StreamPart> {
  const blocks = new BlockSequencer(provider);
  let reason: string | undefined;
  let calls = 0;
  let usage: GeminiUsageMetadata | undefined;
  for await (const event of jsonEvents<GeminiResponse & { error?: unknown }>(bytes, provider)) {
    if (isDone(event)) break;
    const chunk = event.data;
    if (chunk.error) {
      const detail = errorMessage(chunk);
      throw new UpstreamError(`${provider} failed mid-stream${detail ? `: ${detail}` : ''}`, 'stream');
    }
    if (chunk.usageMetadata) usage = chunk.usageMetadata;
    if (reason !== undefined) continue;
    const candidate = chunk.candidates?.[0];
    if (!candidate) {
      if (chunk.promptFeedback?.blockReason) reason = 'SAFETY';
      continue;
    }
    for (const p of candidate.content?.parts ?? []) {
      if (p.functionCall) {
        const key = String(calls);
        yield* blocks.toolStart(key, toolCallId(calls++, p.functionCall.name), p.functionCall.name);
        yield* blocks.toolDelta(key, JSON.stringify(p.functionCall.args ?? {}));
        yield* blocks.close();
      } else if (p.text) {
        yield* p.thought ? blocks.reasoning(p.text) : blocks.text(p.text);
      }
    }
    if (candidate.finishReason) reason = candidate.finishReason;
  }
  if (reason === undefined) return;
  yield* blocks.close();
  yield { type: 'finish', reason: finishReason(reason, calls > 0), usage: toUsage(usage) };
}
