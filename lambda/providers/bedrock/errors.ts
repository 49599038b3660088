// AWS SDK failures -> UpstreamError. The SDK names a service exception by the x-amzn-errortype header and
// carries the HTTP status in $metadata; anything without that metadata never got an answer from Bedrock.
import { UpstreamError } from '../../wire/errors';
import { failure } from '../http';

type Upstream = UpstreamError['upstream'];

/**
 * Exception names in the gateway's terms. Model errors and quota exhaustion are the route's problem, not
 * the request's, so they map to statuses another route may retry; the rest follow Bedrock's own status.
 */
const BY_NAME: Record<string, Upstream> = {
  ThrottlingException: 429,
  ServiceQuotaExceededException: 429,
  ServiceUnavailableException: 503,
  ModelNotReadyException: 503,
  InternalServerException: 500,
  ModelErrorException: 500,
  ModelStreamErrorException: 'stream',
  ModelTimeoutException: 'timeout',
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
};

interface ServiceFailure {
  name: string;
  message?: string;
  $metadata: { httpStatusCode?: number };
}

function isServiceFailure(err: unknown): err is ServiceFailure {
  if (typeof err !== 'object' || err === null || !('$metadata' in err)) return false;
  return typeof (err as ServiceFailure).$metadata?.httpStatusCode === 'number';
}

function upstreamError(provider: string, name: string, message: string | undefined, upstream: Upstream, cause: unknown): UpstreamError {
  const detail = message ? `: ${message}` : '';
  return new UpstreamError(`${provider} returned ${name}${detail}`, upstream, { cause });
}

/**
 * Maps anything `client.send` or the event stream threw; an abort keeps the reason it was aborted with.
 * `midStream` says the answer had begun: a failure without a service error is then a cut stream.
 */
export function toUpstreamError(err: unknown, signal: AbortSignal, provider: string, midStream = false): unknown {
  if (err instanceof UpstreamError) return err;
  if (signal.aborted) return failure(err, signal, provider);
  // Exceptions sent inside an event stream carry their modelled name but no HTTP metadata.
  if (err instanceof Error && BY_NAME[err.name] !== undefined) {
    return upstreamError(provider, err.name, err.message, BY_NAME[err.name]!, err);
  }
  // The SDK parses event and response bodies itself; JSON it cannot parse surfaces as a SyntaxError.
  if (err instanceof SyntaxError || (err instanceof Error && err.cause instanceof SyntaxError)) {
    return new UpstreamError(`${provider} sent a response that is not valid JSON`, 'malformed', { cause: err });
  }
  const status = isServiceFailure(err) ? err.$metadata.httpStatusCode : undefined;
  // A 2xx status here means the answer began and its body failed to decode: the SDK's view of a cut.
  if (midStream || (status !== undefined && status < 400)) {
    return new UpstreamError(`${provider} ended the stream early`, 'stream', { cause: err });
  }
  if (isServiceFailure(err)) return upstreamError(provider, err.name, err.message, status ?? 500, err);
  return failure(err, signal, provider);
}

/** An exception a ConverseStream event carried in place of content. */
export function streamException(provider: string, name: string, message: string | undefined): UpstreamError {
  return upstreamError(provider, name, message, BY_NAME[name] ?? 'stream', undefined);
}
