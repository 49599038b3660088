// OpenAI chat completions, for every OpenAI-compatible host (DeepSeek, Mistral, Groq, xAI, Together,
// Ollama, vLLM), reached by base URL. OpenAI itself is reached through its Responses API (openai-responses).
import type { ChatCompletion } from '../../wire/formats/openai-chat';
import { bodyBytes, postJson, readJson } from '../http';
import type { Provider, ProviderInstance } from '../provider';
import { unwrapSchemaResult, unwrapSchemaStream } from '../schema-tool';
import { toChatBody } from './request';
import { fromChatCompletion, fromChatStream } from './response';

export { toChatBody, toChatMessages } from './request';
export { fromChatCompletion, fromChatStream, fromChatUsage } from './response';

const errorMessage = (body: unknown) => (body as { error?: { message?: string } })?.error?.message;

export function createOpenAIChatProvider(instance: ProviderInstance): Provider {
  const url = `${instance.baseUrl.replace(/\/$/, '')}/chat/completions`;
  const headers: Record<string, string> = instance.apiKey ? { authorization: `Bearer ${instance.apiKey}` } : {};
  const provider = instance.name;
  return {
    name: provider,
    kind: 'openai-chat',
    async complete(call) {
      const { body, plan } = toChatBody(call, instance, false);
      const res = await postJson({ url, headers, body, signal: call.signal, provider, errorMessage });
      return unwrapSchemaResult(fromChatCompletion(await readJson<ChatCompletion>(res, call.signal, provider)), plan);
    },
    async *stream(call) {
      const { body, plan } = toChatBody(call, instance, true);
      const res = await postJson({ url, headers, body, signal: call.signal, provider, errorMessage });
      yield* unwrapSchemaStream(fromChatStream(bodyBytes(res, call.signal, provider), provider), plan);
    },
  };
}
