// Anthropic Messages API (POST /v1/messages), for Anthropic itself or any host that speaks it.
import { decodeSse } from '../../openai/sse';
import { bodyBytes, postJson, readJson } from '../http';
import type { Provider, ProviderInstance } from '../provider';
import { toAnthropicBody } from './request';
import { anthropicErrorMessage, fromAnthropicMessage } from './response';
import { fromAnthropicEvents } from './stream';
import { ANTHROPIC_VERSION, type MessagesResponse } from './wire';

export { toAnthropicBody, toAnthropicMessages, jsonInstruction } from './request';
export { fromAnthropicMessage, anthropicErrorMessage } from './response';
export { fromAnthropicEvents } from './stream';

export function createAnthropicProvider(instance: ProviderInstance): Provider {
  const url = `${instance.baseUrl.replace(/\/$/, '')}/v1/messages`;
  const headers: Record<string, string> = {
    'anthropic-version': ANTHROPIC_VERSION,
    ...(instance.apiKey ? { 'x-api-key': instance.apiKey } : {}),
  };
  const provider = instance.name;
  return {
    name: instance.name,
    kind: 'anthropic',
    async complete(call) {
      const body = toAnthropicBody(call, false);
      const res = await postJson({ url, headers, body, signal: call.signal, provider, errorMessage: anthropicErrorMessage });
      return fromAnthropicMessage(await readJson<MessagesResponse>(res, call.signal, provider));
    },
    async *stream(call) {
      const body = toAnthropicBody(call, true);
      const res = await postJson({ url, headers, body, signal: call.signal, provider, errorMessage: anthropicErrorMessage });
      yield* fromAnthropicEvents(decodeSse(bodyBytes(res, call.signal, provider)), provider);
    },
  };
}
