// Canonical results in chat completions' shape: the whole answer, and the stream as chat.completion.chunk
// events ending in [DONE] (an error event in OpenAI's shape, and no [DONE], when it fails mid-way).
import { resultText } from '../../core/canonical/accumulate';
import type { AssistantPart } from '../../core/canonical/content';
import type { CanonicalResult, FinishReason, StreamPart } from '../../core/canonical/result';
import { NO_USAGE, totalTokens, type Usage } from '../../core/canonical/usage';
import type { Served } from '../../core/lifecycle';
import type { GatewayError } from '../../wire/errors';
import type { ChatCompletion, ChatCompletionChunk, ChatFinishReason, ChatToolCall, ChatUsage } from '../../wire/formats/openai-chat';
import { SSE_DONE, encodeSseEvent } from '../../wire/sse';
import { openAIErrorBody } from '../openai-error';
import type { StreamEncoder } from '../sse';

export function chatUsage(u: Usage): ChatUsage {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: totalTokens(u),
    prompt_tokens_details: { cached_tokens: u.cacheReadTokens },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  };
}

const FINISH: Readonly<Record<FinishReason, ChatFinishReason>> = { stop: 'stop', length: 'length', tool_calls: 'tool_calls', content_filter: 'content_filter' };

function reasoningText(content: readonly AssistantPart[]): string {
  return content.map((p) => (p.type === 'reasoning' ? p.text : '')).join('');
}

export function renderCompletion(result: CanonicalResult, served: Served, id: string, created: number, latencyMs: number): ChatCompletion {
  const toolCalls: ChatToolCall[] = result.content.flatMap((p) => (p.type === 'tool-call' ? [{ id: p.callId, type: 'function' as const, function: { name: p.name, arguments: p.arguments } }] : []));
  const text = resultText(result.content);
  const reasoning = reasoningText(result.content);
  return {
    id,
    object: 'chat.completion',
    created,
    model: served.model.id,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          // OpenAI's shape for a tool-only answer is null content; an empty answer otherwise stays ''.
          content: text === '' && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          ...(reasoning ? { reasoning_content: reasoning } : {}),
        },
        logprobs: null,
        finish_reason: FINISH[result.reason],
      },
    ],
    usage: chatUsage(result.usage),
    x_op_routing_used: served.model.id,
    x_op_latency_ms: latencyMs,
  };
}

export class ChatStreamEncoder implements StreamEncoder {
  /** Canonical block index -> OpenAI tool call index (which counts calls only). */
  private readonly toolIndex = new Map<number, number>();

  constructor(
    private readonly id: string,
    private readonly created: number,
    private readonly model: string,
    private readonly includeUsage: boolean,
  ) {}

  private chunk(delta: ChatCompletionChunk['choices'][number]['delta'] | undefined, finish: ChatFinishReason | null = null, usage?: Usage): string {
    const chunk: ChatCompletionChunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: delta ? [{ index: 0, delta, logprobs: null, finish_reason: finish }] : [],
      ...(this.includeUsage ? { usage: usage ? chatUsage(usage) : null } : {}),
    };
    return encodeSseEvent(chunk);
  }

  open(): string[] {
    return [this.chunk({ role: 'assistant', content: '' })];
  }

  part(part: StreamPart): string[] {
    switch (part.type) {
      case 'text-delta':
        return [this.chunk({ content: part.text })];
      case 'reasoning-delta':
        return [this.chunk({ reasoning_content: part.text })];
      case 'tool-input-start': {
        const index = this.toolIndex.size;
        this.toolIndex.set(part.index, index);
        return [this.chunk({ tool_calls: [{ index, id: part.callId, type: 'function', function: { name: part.name, arguments: '' } }] })];
      }
      case 'tool-input-delta':
        return [this.chunk({ tool_calls: [{ index: this.toolIndex.get(part.index) ?? 0, function: { arguments: part.json } }] })];
      case 'finish': {
        const out = [this.chunk({}, FINISH[part.reason])];
        if (this.includeUsage) out.push(this.chunk(undefined, null, part.usage ?? NO_USAGE));
        return out;
      }
      default:
        return [];
    }
  }

  close(): string[] {
    return [SSE_DONE];
  }

  error(error: GatewayError): string[] {
    return [encodeSseEvent(openAIErrorBody(error))];
  }
}
