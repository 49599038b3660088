// The HTTP edge shared by the handlers: event -> request, result -> bytes. Dialects render their own
// errors and frame their own SSE events; this writes what they made.
import type { Writable } from 'node:stream';
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
    if (result.kind === 'json') await endWith(http, JSON.stringify(result.body));
    else await pump(result.events, http);
  } finally {
    await result.finalize?.();
  }
}

/**
 * Writes the last bytes and waits until they are flushed; fails if the stream broke. Through `write`, never
 * `end(chunk)`: the runtime client puts the prelude in front of the first `write` call only.
 */
function endWith(out: Writable, last?: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (out.destroyed) return reject(new Error('response stream closed before its end'));
    const settle = (err?: Error) => {
      out.off('finish', onFinish).off('error', settle).off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onFinish = () => settle();
    // Destroyed without an error (the client left): never 'finish', so the close decides.
    const onClose = () => settle(out.writableFinished ? undefined : new Error('response stream closed before its end'));
    out.once('finish', onFinish).once('error', settle).once('close', onClose);
    if (last !== undefined) out.write(last);
    out.end();
  });
}

/**
 * Copies events to the stream, waiting on 'drain' when it is full. If the stream breaks (the client
 * left), the events are stopped (their `return` runs, which ends the upstream call) and the error is thrown.
 * Hand-written rather than stream.pipeline: pipeline costs an AbortController and a DOMException per call.
 */
async function pump(events: AsyncIterable<string>, out: Writable): Promise<void> {
  const it = events[Symbol.asyncIterator]();
  let broken: Error | undefined;
  let wake: (() => void) | undefined;
  const onBreak = (err?: Error) => {
    broken ??= err ?? new Error('response stream closed before its end');
    wake?.();
  };
  const onClose = () => {
    if (!out.writableFinished) onBreak();
  };
  const drainedOrBroken = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        wake = undefined;
        resolve();
      };
      wake = done;
      out.on('drain', done);
    });
  out.on('error', onBreak);
  out.on('close', onClose);
  try {
    for (;;) {
      if (broken) throw broken;
      const next = await it.next();
      if (next.done) break;
      if (broken) throw broken;
      if (!out.write(next.value)) await drainedOrBroken();
    }
    await endWith(out);
  } catch (err) {
    await it.return?.();
    out.destroy();
    throw err;
  } finally {
    out.off('error', onBreak);
    out.off('close', onClose);
  }
}
