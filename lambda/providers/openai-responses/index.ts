// OpenAI itself, through its Responses API: the API OpenAI's reasoning models are built for, and the only
// one that hands reasoning back (encrypted) so it survives a conversation.
import type { ResponseObject } from '../../wire/formats/openai-responses';
import { bodyBytes, postJson, readJson } from '../http';
import type { Provider, ProviderInstance } from '../provider';
import { toResponsesBody } from './request';
import { fromResponse, fromResponsesStream } from './response';

export { toResponsesBody, toResponsesInput } from './request';
export { fromResponse, fromResponsesStream, fromResponsesUsage } from './response';

const errorMessage = (body: unknown) => (body as { error?: { message?: string } })?.error?.message;

export function createOpenAIResponsesProvider(instance: ProviderInstance): Provider {
  const url = `${instance.baseUrl.replace(/\/$/, '')}/responses`;
  const headers: Record<string, string> = instance.apiKey ? { authorization: `Bearer ${instance.apiKey}` } : {};
  const provider = instance.name;
  return {
    name: provider,
    kind: 'openai-responses',
    async complete(call) {
      const res = await postJson({ url, headers, body: toResponsesBody(call, false), signal: call.signal, provider, errorMessage });
      return fromResponse(await readJson<ResponseObject>(res, call.signal, provider), provider);
    },
    async *stream(call) {
      const res = await postJson({ url, headers, body: toResponsesBody(call, true), signal: call.signal, provider, errorMessage });
      yield* fromResponsesStream(bodyBytes(res, call.signal, provider), provider);
    },
  };
}
