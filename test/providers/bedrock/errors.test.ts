import { readFileSync } from 'node:fs';
import {
  AccessDeniedException,
  BedrockRuntimeServiceException,
  ModelTimeoutException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambda/wire/errors';
import { toUpstreamError } from '../../../lambda/providers/bedrock/errors';

interface ErrorFixture {
  status: number;
  headers: Record<string, string>;
  body: { message: string };
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/bedrock/error-throttling.json', import.meta.url), 'utf8')) as ErrorFixture;
const live = new AbortController().signal;
const meta = (httpStatusCode: number) => ({ httpStatusCode });

function mapped(err: unknown, signal = live): UpstreamError {
  const out = toUpstreamError(err, signal, 'bedrock');
  expect(out).toBeInstanceOf(UpstreamError);
  return out as UpstreamError;
}

describe('toUpstreamError', () => {
  it('maps the documented throttling error to a retryable 429 with its message', () => {
    const sdkError = new ThrottlingException({ message: fixture.body.message, $metadata: meta(fixture.status) });
    const err = mapped(sdkError);
    expect(err.upstream).toBe(429);
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(`bedrock returned ThrottlingException: ${fixture.body.message}`);
    expect(err.cause).toBe(sdkError);
  });

  it('marks server-side failures retryable and the request’s own mistakes not', () => {
    expect(mapped(new ServiceUnavailableException({ message: 'busy', $metadata: meta(503) }))).toMatchObject({ upstream: 503, retryable: true });
    expect(mapped(new ValidationException({ message: 'bad', $metadata: meta(400) }))).toMatchObject({ upstream: 400, retryable: false, status: 400 });
    expect(mapped(new AccessDeniedException({ message: 'no access', $metadata: meta(403) }))).toMatchObject({ upstream: 403, retryable: false, status: 502 });
    expect(mapped(new ModelTimeoutException({ message: 'slow', $metadata: meta(408) }))).toMatchObject({ upstream: 'timeout', retryable: true, status: 504 });
  });

  it('falls back to the HTTP status for errors the SDK could not name', () => {
    const unknown = new BedrockRuntimeServiceException({ name: 'Unknown', $fault: 'server', message: 'oops', $metadata: meta(502) });
    expect(mapped(unknown)).toMatchObject({ upstream: 502, retryable: true });
  });

  it('maps network failures to connection errors', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(mapped(refused)).toMatchObject({ upstream: 'connection', retryable: true });
  });

  it('keeps the reason an aborted call was aborted with', () => {
    const controller = new AbortController();
    const reason = new Error('client went away');
    controller.abort(reason);
    const abortError = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    expect(toUpstreamError(abortError, controller.signal, 'bedrock')).toBe(reason);
  });
});
