// Google Gemini (the Generative Language API, ai.google.dev), reached by base URL and API key.
import { bodyBytes, postJson, readJson } from '../http';
import type { Provider, ProviderInstance, UpstreamCall } from '../provider';
import { toGeminiRequest } from './request';
import { errorMessage, fromGeminiResponse } from './response';
import { fromGeminiStream } from './stream';
import type { GeminiResponse } from './wire';

export { toGeminiRequest, toolCallId } from './request';
export { errorMessage, fromGeminiResponse, toUsage } from './response';
export { fromGeminiStream } from './stream';
export { toGeminiSchema } from './schema';

export function createGoogleProvider(instance: ProviderInstance): Provider {
  const base = instance.baseUrl.replace(/\/$/, '');
  // Catalog entries may use the resource name ("models/gemini-2.5-flash") or the bare id.
  const modelUrl = (call: UpstreamCall) => `${base}/v1beta/models/${call.upstreamModel.replace(/^models\//, '')}`;
  const headers: Record<string, string> = instance.apiKey ? { 'x-goog-api-key': instance.apiKey } : {};
  const provider = instance.name;
  const post = (call: UpstreamCall, url: string) => postJson({ url, headers, body: toGeminiRequest(call), signal: call.signal, provider, errorMessage });
  return {
    name: provider,
    kind: 'google',
    async complete(call) {
      const res = await post(call, `${modelUrl(call)}:generateContent`);
      return fromGeminiResponse(await readJson<GeminiResponse>(res, call.signal, provider), provider);
    },
    async *stream(call) {
      const res = await post(call, `${modelUrl(call)}:streamGenerateContent?alt=sse`);
      yield* fromGeminiStream(bodyBytes(res, call.signal, provider), provider);
    },
  };
}
