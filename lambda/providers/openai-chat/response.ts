// OpenAI chat completion (whole and streamed) -> canonical result and parts.
import type { AssistantPart } from '../../core/canonical/content';
import type { CanonicalResult, FinishReason, StreamPart } from '../../core/canonical/result';
import { usage, type Usage } from '../../core/canonical/usage';
import type { ChatCompletion, ChatCompletionChunk, ChatUsage } from '../../wire/formats/openai-chat';
import { BlockSequencer } from '../blocks';
import { isDone, jsonEvents, malformed } from '../stream-json';

export function fromChatUsage(u: ChatUsage | undefined | null): Usage | undefined {
  if (!u) return undefined;
  return usage({
    inputTokens: u.prompt_tokens,
    outputTokens: u.completion_tokens,
    cacheReadTokens: u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
  });
}

const FINISH: Record<string, FinishReason> = { stop: 'stop', length: 'length', tool_calls: 'tool_calls', content_filter: 'content_filter', function_call: 'tool_calls' };

export function fromChatCompletion(body: ChatCompletion): CanonicalResult {
  const choice = body.choices?.[0];
  if (!choice) throw new TypeError('upstream completion has no choices');
  const m = choice.message;
  const content: AssistantPart[] = [];
  if (m.reasoning_content) content.push({ type: 'reasoning', text: m.reasoning_content });
  if (m.content) content.push({ type: 'text', text: m.content });
  for (const c of m.tool_calls ?? []) content.push({ type: 'tool-call', callId: c.id, name: c.function.name, arguments: c.function.arguments });
  return { content, reason: FINISH[choice.finish_reason] ?? 'stop', usage: fromChatUsage(body.usage) ?? usage({}) };
}

/**
 * Upstream chunks to parts. The answer is complete once a finish reason arrived and the stream ended
 * ([DONE] or the end of the body); the usage chunk comes in between.
 */
export async function* fromChatStream(bytes: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<StreamPart> {
  const blocks = new BlockSequencer(provider);
  /** Wire tool-call index -> its key in the sequencer. */
  let reason: FinishReason | undefined;
  let reported: Usage | undefined;
  for await (const event of jsonEvents<ChatCompletionChunk & { error?: { message?: string } }>(bytes, provider, '[DONE]')) {
    if (isDone(event)) break;
    const chunk = event.data;
    if (chunk.error) throw malformed(provider);
    const choice = chunk.choices?.[0];
    if (choice) {
      const d = choice.delta ?? {};
      if (d.reasoning_content) yield* blocks.reasoning(d.reasoning_content);
      if (d.content) yield* blocks.text(d.content);
      for (const t of d.tool_calls ?? []) {
        const key = String(t.index);
        if (!blocks.isOpenTool(key)) yield* blocks.toolStart(key, t.id ?? `call_${t.index}`, t.function?.name ?? '');
        if (t.function?.arguments) yield* blocks.toolDelta(key, t.function.arguments);
      }
      if (choice.finish_reason) reason = FINISH[choice.finish_reason] ?? 'stop';
    }
    if (chunk.usage) reported = fromChatUsage(chunk.usage);
  }
  // Some compatible hosts close without [DONE]; the answer is whole once its finish reason came.
  if (!reason) return;
  yield* blocks.close();
  yield { type: 'finish', reason, ...(reported ? { usage: reported } : {}) };
}
