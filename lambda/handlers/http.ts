// The HTTP edge shared by the handlers: event -> request, result -> bytes. Dialects render their own
// errors and frame their own SSE events; this writes what they made.
import { pipeline } from 'node:stream/promises';
import { Readable, type Writable } from 'node:stream';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { toGatewayError } from '../wire/errors';
import type { CoreResult } from '../core/result';
import { renderOpenAIError } from '../dialects/openai-error';

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

/** Renders any thrown value in OpenAI's error shape (the admin API's, and the default for /v1). */
export function errorResult(err: unknown, extraHeaders: Record<string, string> = {}): CoreResult {
  const e = renderOpenAIError(toGatewayError(err));
  return { kind: 'json', status: e.status, headers: { ...extraHeaders, ...e.headers }, body: e.body };
}

/**
 * Writes a result through Lambda's response stream (the prelude with status and headers, then the body),
 * then runs `finalize` (settlement): after the last byte, before the invocation ends, however writing went.
 */
export async function writeResult(responseStream: Writable, result: CoreResult, requestId: string): Promise<void> {
  const base = { 'x-request-id': requestId };
  const http = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: result.status,
    headers:
      result.kind === 'json'
        ? { 'content-type': 'application/json', ...base, ...result.headers }
        : { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...base, ...result.headers },
  });
  try {
    const body = result.kind === 'json' ? Readable.from([JSON.stringify(result.body)]) : Readable.from(result.events);
    await pipeline(body, http);
  } finally {
    await result.finalize?.();
  }
}
