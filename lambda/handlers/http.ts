// The HTTP edge shared by the handlers: event -> request, core result or error -> bytes. This is the one
// place that renders errors and the one place that frames SSE.
import { pipeline } from 'node:stream/promises';
import { Readable, type Writable } from 'node:stream';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { GatewayError, toGatewayError } from '../openai/errors';
import { SSE_DONE, encodeSseData } from '../openai/sse';
import type { ChatCompletionChunk } from '../openai/types';
import type { CoreResult } from '../core/result';

export interface HttpRequest {
  method: string;
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  query: Record<string, string>;
  body?: string;
  /** The connecting address as the platform saw it; X-Forwarded-For from the client is never trusted. */
  sourceIp: string;
  requestId: string;
}

export function fromFunctionUrlEvent(event: LambdaFunctionURLEvent, requestId: string): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
  const body = event.body === undefined || event.body === null ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    headers,
    query,
    body,
    sourceIp: event.requestContext.http.sourceIp,
    requestId,
  };
}

/** Renders any thrown value as OpenAI's error shape with the right status. */
export function errorResult(err: unknown, extraHeaders: Record<string, string> = {}): CoreResult {
  const error = toGatewayError(err);
  return { kind: 'json', status: error.status, headers: { ...extraHeaders, ...error.headers }, body: error.toBody() };
}

/** Chunks to SSE text: one `data:` event per chunk, `[DONE]` at the end, an error event if the stream fails. */
export async function* sseText(chunks: AsyncIterable<ChatCompletionChunk>, onError: (err: GatewayError) => void): AsyncGenerator<string> {
  try {
    for await (const chunk of chunks) yield encodeSseData(chunk);
  } catch (err) {
    const error = toGatewayError(err);
    onError(error);
    yield encodeSseData(error.toBody());
    return;
  }
  yield SSE_DONE;
}

export interface WriteOptions {
  requestId: string;
  onStreamError?: (err: GatewayError) => void;
}

/**
 * Writes a result through Lambda's response stream (the prelude with status and headers, then the body),
 * then runs `finalize` (settlement): after the last byte, before the invocation ends.
 */
export async function writeResult(responseStream: Writable, result: CoreResult, options: WriteOptions): Promise<void> {
  const base = { 'x-request-id': options.requestId };
  const http = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: result.status,
    headers:
      result.kind === 'json'
        ? { 'content-type': 'application/json', ...base, ...result.headers }
        : { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...base, ...result.headers },
  });
  try {
    const body =
      result.kind === 'json'
        ? Readable.from([JSON.stringify(result.body)])
        : Readable.from(sseText(result.chunks, options.onStreamError ?? (() => undefined)));
    await pipeline(body, http);
  } finally {
    await result.finalize?.();
  }
}
