import type { Answer } from '../net/http1-client';
import { clientFor } from '../net/pools';
import { UpstreamError } from '../wire/errors';
import { quote } from '../wire/json';

/**
 * Shared HTTP plumbing for the adapters that speak HTTP+JSON: one POST over the gateway's own HTTP/1.1
 * client (net/), with upstream failures mapped to UpstreamError. Each adapter passes its own
 * `errorMessage` reader because every provider shapes its error bodies differently.
 */
export interface PostOptions {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  provider: string;
  errorMessage?: (body: unknown) => string | undefined;
}

export type UpstreamAnswer = Answer;

export async function postJson(options: PostOptions): Promise<UpstreamAnswer> {
  let answer: Answer;
  try {
    const url = new URL(options.url);
    answer = await clientFor(url.origin).request({
      method: 'POST',
      path: url.pathname + url.search,
      headers: { 'content-type': 'application/json', accept: '*/*', ...options.headers },
      body: JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    throw failure(err, options.signal, options.provider);
  }
  if (answer.status < 200 || answer.status > 299) {
    const text = await answer.text().catch(() => '');
    let detail: string | undefined;
    try {
      detail = options.errorMessage?.(JSON.parse(text));
    } catch {
      detail = undefined;
    }
    const param = detail && answer.status === 400 ? paramOf(detail) : undefined;
    throw new UpstreamError(`${options.provider} returned ${answer.status}${detail ? `: ${quote(detail, 300)}` : ''}`, answer.status, {
      ...(param ? { param } : {}),
    });
  }
  return answer;
}

/** Reads a JSON body, mapping a dropped connection, an abort or a body that is not JSON to UpstreamError. */
export async function readJson<T>(answer: UpstreamAnswer, signal: AbortSignal, provider: string): Promise<T> {
  let value: unknown;
  try {
    value = JSON.parse(await answer.text());
  } catch (err) {
    if (err instanceof SyntaxError && !signal.aborted) throw new UpstreamError(`${provider} sent a response that is not valid JSON`, 'malformed', { cause: err });
    throw failure(err, signal, provider);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UpstreamError(`${provider} sent a response that is not a JSON object`, 'malformed');
  return value as T;
}

/** The response body as bytes, with read failures mapped to UpstreamError. */
export async function* bodyBytes(answer: UpstreamAnswer, signal: AbortSignal, provider: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of answer.body) yield chunk;
  } catch (err) {
    // The provider answered and then the body broke off: a cut stream, not an unreachable provider.
    if (!signal.aborted && !(err instanceof UpstreamError)) throw new UpstreamError(`${provider} ended the stream early`, 'stream', { cause: err });
    throw failure(err, signal, provider);
  }
}

/** Maps a thrown request/stream error to UpstreamError; an abort keeps the reason it was aborted with. */
export function failure(err: unknown, signal: AbortSignal, provider: string): unknown {
  if (err instanceof UpstreamError) return err;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof UpstreamError) return reason;
    if (reason instanceof Error && reason.name === 'TimeoutError') {
      return new UpstreamError(`${provider} timed out`, 'timeout', { cause: err });
    }
    return reason ?? err;
  }
  return new UpstreamError(`${provider} could not be reached`, 'connection', { cause: err });
}

/**
 * The request field an upstream's 400 message names, in the gateway's own field names: providers lead
 * their messages with the path they reject ("messages.0.content: ...", "max_tokens: ...",
 * "* GenerateContentRequest.contents: ..."). Only top-level fields are named, since the gateway's
 * translation may merge or reorder messages.
 */
const PARAM_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(messages|contents|input)\b/i, 'messages'],
  [/\b(tools|function_declarations|functionDeclarations|toolConfig)\b/i, 'tools'],
  [/\btool_choice\b/i, 'tool_choice'],
  [/\b(max_tokens|max_output_tokens|maxOutputTokens|maxTokens)\b/i, 'max_tokens'],
  [/\btemperature\b/i, 'temperature'],
  [/\b(top_p|topP)\b/i, 'top_p'],
  [/\b(stop_sequences|stopSequences|stop)\b/i, 'stop'],
  [/\b(response_format|responseSchema|response_schema|text\.format)\b/i, 'response_format'],
];

export function paramOf(message: string): string | undefined {
  return PARAM_PATTERNS.find(([pattern]) => pattern.test(message))?.[1];
}
