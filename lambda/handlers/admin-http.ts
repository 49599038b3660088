// The admin edge: API Gateway REST proxy events in, proxy results out. Errors are rendered by http.ts's
// errorResult (the one place that renders errors), here through a middy onError middleware.
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PayloadTooLargeError } from '../wire/errors';
import type { CoreResult } from '../core/result';
import { errorResult, type HttpRequest } from './http';

/** Admin bodies are a name, a label and at most a hundred CIDRs: 64 KB is generous. */
export const MAX_ADMIN_BODY_BYTES = 64 * 1024;

/** Responses may carry a newly issued secret: no cache anywhere may keep them. */
const HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export function fromProxyEvent(event: APIGatewayProxyEvent, requestId: string): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
  const raw = event.body ?? undefined;
  const body = raw !== undefined && event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (body !== undefined && Buffer.byteLength(body) > MAX_ADMIN_BODY_BYTES) {
    throw new PayloadTooLargeError(`The request body exceeds the admin API's limit of ${MAX_ADMIN_BODY_BYTES} bytes.`, { code: 'request_too_large' });
  }
  return {
    method: event.httpMethod.toUpperCase(),
    path: event.path,
    headers,
    query,
    body,
    sourceIp: event.requestContext?.identity?.sourceIp ?? '',
    requestId,
  };
}

export function toProxyResult(result: CoreResult, requestId: string): APIGatewayProxyResult {
  if (result.kind !== 'json') throw new Error('the admin API answers JSON only');
  return {
    statusCode: result.status,
    headers: { ...HEADERS, 'x-request-id': requestId, ...result.headers },
    body: JSON.stringify(result.body),
  };
}

/** Any thrown error becomes OpenAI's error shape; server faults are logged (without request bodies). */
export function renderErrors(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: (request) => {
      const result = errorResult(request.error);
      if (result.status >= 500) console.error('admin: request failed', request.error);
      request.response = toProxyResult(result, request.context.awsRequestId);
    },
  };
}
