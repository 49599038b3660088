// OpenAI chat completions, for OpenAI itself and every OpenAI-compatible host (DeepSeek, Mistral, Groq,
// xAI, Together, Ollama, vLLM), reached by base URL.
import type { ChatCompletion, ChatRequest, CompletionResult, StreamPiece, ChatCompletionChunk } from '../../openai/types';
import { decodeSse } from '../../openai/sse';
import { bodyBytes, postJson, readJson, streamCut } from '../http';
import { assistantMessage } from '../message';
import type { Provider, ProviderInstance, UpstreamCall } from '../provider';

/** The request OpenAI expects; the gateway's extensions (routing) and resolved fields are translated. */
export function toOpenAIBody(call: UpstreamCall, instance: ProviderInstance, stream: boolean): Record<string, unknown> {
  const r: ChatRequest = call.request;
  return {
    model: call.upstreamModel,
    messages: r.messages,
    // OpenAI's own API wants max_completion_tokens (reasoning models reject max_tokens); compatible hosts
    // mostly still read only max_tokens.
    ...(instance.name === 'openai' ? { max_completion_tokens: call.maxTokens } : { max_tokens: call.maxTokens }),
    ...(r.temperature !== undefined && { temperature: r.temperature }),
    ...(r.top_p !== undefined && { top_p: r.top_p }),
    ...(r.stop !== undefined && { stop: r.stop }),
    ...(r.tools !== undefined && { tools: r.tools }),
    ...(r.tool_choice !== undefined && { tool_choice: r.tool_choice }),
    ...(r.parallel_tool_calls !== undefined && { parallel_tool_calls: r.parallel_tool_calls }),
    ...(r.response_format !== undefined && { response_format: r.response_format }),
    ...(r.seed !== undefined && { seed: r.seed }),
    ...(r.presence_penalty !== undefined && { presence_penalty: r.presence_penalty }),
    ...(r.frequency_penalty !== undefined && { frequency_penalty: r.frequency_penalty }),
    ...(r.user !== undefined && { user: r.user }),
    ...(stream && { stream: true, stream_options: { include_usage: true } }),
  };
}

export function fromOpenAICompletion(body: ChatCompletion): CompletionResult {
  const choice = body.choices[0];
  if (!choice) throw new Error('upstream completion has no choices');
  const { role: _role, content, tool_calls } = choice.message;
  return {
    // Passed through as the host sent it: some compatible hosts send '' beside tool calls, and that stays ''.
    message: assistantMessage(content ?? null, tool_calls ?? []),
    finishReason: choice.finish_reason,
    usage: {
      prompt_tokens: body.usage.prompt_tokens,
      completion_tokens: body.usage.completion_tokens,
      total_tokens: body.usage.total_tokens,
    },
  };
}

/** Upstream chunks to pieces. Finishes only after both the finish reason and the usage chunk were seen. */
export async function* fromOpenAIStream(bytes: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<StreamPiece> {
  let finished = false;
  for await (const event of decodeSse(bytes)) {
    if (event.data === '[DONE]') {
      if (!finished) throw streamCut(provider);
      return;
    }
    const chunk = JSON.parse(event.data) as ChatCompletionChunk & { error?: { message?: string } };
    if (chunk.error) throw streamCut(provider);
    const choice = chunk.choices?.[0];
    if (choice) {
      const { role: _role, ...delta } = choice.delta ?? {};
      const piece: StreamPiece = {};
      if (delta.content || delta.tool_calls?.length) piece.delta = delta;
      if (choice.finish_reason) {
        piece.finishReason = choice.finish_reason;
        finished = true;
      }
      if (piece.delta || piece.finishReason) yield piece;
    }
    if (chunk.usage) {
      yield {
        usage: {
          prompt_tokens: chunk.usage.prompt_tokens,
          completion_tokens: chunk.usage.completion_tokens,
          total_tokens: chunk.usage.total_tokens,
        },
      };
    }
  }
  // Some compatible hosts close without [DONE]; that is fine only once the answer was finished.
  if (!finished) throw streamCut(provider);
}

const errorMessage = (body: unknown) => (body as { error?: { message?: string } })?.error?.message;

export function createOpenAIProvider(instance: ProviderInstance): Provider {
  const url = `${instance.baseUrl.replace(/\/$/, '')}/chat/completions`;
  const headers: Record<string, string> = instance.apiKey ? { authorization: `Bearer ${instance.apiKey}` } : {};
  return {
    name: instance.name,
    kind: 'openai',
    async complete(call) {
      const res = await postJson({ url, headers, body: toOpenAIBody(call, instance, false), signal: call.signal, provider: instance.name, errorMessage });
      return fromOpenAICompletion(await readJson<ChatCompletion>(res, call.signal, instance.name));
    },
    async *stream(call) {
      const res = await postJson({ url, headers, body: toOpenAIBody(call, instance, true), signal: call.signal, provider: instance.name, errorMessage });
      yield* fromOpenAIStream(bodyBytes(res, call.signal, instance.name), instance.name);
    },
  };
}
