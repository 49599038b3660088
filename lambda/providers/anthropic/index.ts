// Anthropic Messages API (POST /v1/messages), for Anthropic itself or any host that speaks it.
import type { MessagesResponse } from '../../wire/formats/anthropic';
import { ANTHROPIC_VERSION } from '../../wire/formats/anthropic';
import { bodyBytes, postJson, readJson } from '../http';
import type { Provider, ProviderInstance, UpstreamCall } from '../provider';
import { unwrapSchemaResult, unwrapSchemaStream } from '../schema-tool';
import { toAnthropicBody } from './request';
import { anthropicErrorMessage, fromAnthropicMessage } from './response';
import { fromAnthropicStream } from './stream';

export { toAnthropicBody, toAnthropicMessages, toAnthropicSystem, thinkingConfig, cacheControl } from './request';
export { fromAnthropicMessage, fromAnthropicUsage, anthropicErrorMessage, finishReason } from './response';
export { fromAnthropicStream } from './stream';

export function createAnthropicProvider(instance: ProviderInstance): Provider {
  const base = instance.baseUrl.replace(/\/$/, '');
  const provider = instance.name;
  const headers = (call: UpstreamCall): Record<string, string> => ({
    'anthropic-version': ANTHROPIC_VERSION,
    ...(instance.apiKey ? { 'x-api-key': instance.apiKey } : {}),
    // Beta features the client asked for (Claude Code sends several) go to Anthropic as they came.
    ...(call.request.hints?.anthropicBeta?.length ? { 'anthropic-beta': call.request.hints.anthropicBeta.join(',') } : {}),
  });
  return {
    name: provider,
    kind: 'anthropic',
    async complete(call) {
      const { body, plan } = toAnthropicBody(call, false);
      const res = await postJson({ url: `${base}/v1/messages`, headers: headers(call), body, signal: call.signal, provider, errorMessage: anthropicErrorMessage });
      return unwrapSchemaResult(fromAnthropicMessage(await readJson<MessagesResponse>(res, call.signal, provider)), plan);
    },
    async *stream(call) {
      const { body, plan } = toAnthropicBody(call, true);
      const res = await postJson({ url: `${base}/v1/messages`, headers: headers(call), body, signal: call.signal, provider, errorMessage: anthropicErrorMessage });
      yield* unwrapSchemaStream(fromAnthropicStream(bodyBytes(res, call.signal, provider), provider), plan);
    },
    async countTokens(call) {
      const { body } = toAnthropicBody(call, false);
      const { max_tokens: _max, stream: _stream, temperature: _t, top_p: _p, top_k: _k, stop_sequences: _s, metadata: _m, ...counted } = body;
      const res = await postJson({ url: `${base}/v1/messages/count_tokens`, headers: headers(call), body: counted, signal: call.signal, provider, errorMessage: anthropicErrorMessage });
      const out = await readJson<{ input_tokens?: unknown }>(res, call.signal, provider);
      if (typeof out.input_tokens !== 'number') throw new TypeError('count_tokens answered without input_tokens');
      return out.input_tokens;
    },
  };
}
