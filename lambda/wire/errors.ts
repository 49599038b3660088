// One error hierarchy, one class per HTTP status (as openai-node does on the client side). Errors are
// protocol-neutral: each carries a status, a neutral `category`, a message, the offending `param` and a
// machine-readable `code`. Each dialect renders them in its own API's shape, in one place
// (dialects/openai-error.ts, dialects/anthropic-messages/error.ts).

export type ErrorCategory =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'too_large'
  | 'rate_limit'
  /** A spending budget is used up (issue 13): a 429 that waiting for the next minute does not fix. */
  | 'quota'
  | 'server'
  | 'upstream'
  | 'unavailable'
  | 'timeout';

export interface ErrorOptions {
  param?: string | null;
  code?: string | null;
  headers?: Record<string, string>;
  cause?: unknown;
}

export abstract class GatewayError extends Error {
  abstract readonly status: number;
  abstract readonly category: ErrorCategory;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;

  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }
}

export class BadRequestError extends GatewayError {
  readonly status = 400;
  readonly category = 'invalid_request';
}

export class AuthenticationError extends GatewayError {
  readonly status = 401;
  readonly category = 'authentication';
  constructor(message = 'Incorrect API key provided.', options: ErrorOptions = {}) {
    super(message, { code: 'invalid_api_key', ...options });
  }
}

export class PermissionDeniedError extends GatewayError {
  readonly status = 403;
  readonly category = 'permission';
}

export class NotFoundError extends GatewayError {
  readonly status = 404;
  readonly category = 'not_found';
}

export class MethodNotAllowedError extends GatewayError {
  readonly status = 405;
  readonly category = 'method_not_allowed';
}

export class ConflictError extends GatewayError {
  readonly status = 409;
  readonly category = 'conflict';
}

export class PayloadTooLargeError extends GatewayError {
  readonly status = 413;
  readonly category = 'too_large';
}

export class HeadersTooLargeError extends GatewayError {
  readonly status = 431;
  readonly category = 'too_large';
}

export class UnprocessableEntityError extends GatewayError {
  readonly status = 422;
  readonly category = 'invalid_request';
}

export class RateLimitError extends GatewayError {
  readonly status = 429;
  readonly category = 'rate_limit';
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { code: 'rate_limit_exceeded', ...options });
  }
}

export class QuotaExceededError extends GatewayError {
  readonly status = 429;
  readonly category = 'quota';
}

export class InternalServerError extends GatewayError {
  readonly status = 500;
  readonly category = 'server';
}

export class BadGatewayError extends GatewayError {
  readonly status = 502;
  readonly category = 'upstream';
}

export class ServiceUnavailableError extends GatewayError {
  readonly status = 503;
  readonly category = 'unavailable';
}

export class GatewayTimeoutError extends GatewayError {
  readonly status = 504;
  readonly category = 'timeout';
}

/** Why an upstream call failed when there was no HTTP status to say it. */
/** `stream`: the answer broke off; `malformed`: it arrived but is not what the protocol promises (bad JSON, events out of order). */
export type UpstreamReason = 'timeout' | 'connection' | 'ttft' | 'stream' | 'malformed' | 'schema';

/**
 * A failed upstream call. `retryable` says whether another route may be tried: 429, 5xx, timeouts,
 * connection failures, broken streams and answers that break the requested schema are the provider's
 * fault; 400/413/422 are the request's and go back as they are (401/403 mean the gateway's own provider
 * credentials are wrong: a 502 to the caller).
 */
export class UpstreamError extends GatewayError {
  readonly status: number;
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  /** The upstream's HTTP status, or a short reason where there was none. */
  readonly upstream: number | UpstreamReason;

  constructor(message: string, upstream: number | UpstreamReason, options: ErrorOptions = {}) {
    super(message, options);
    this.upstream = upstream;
    if (typeof upstream === 'number' && upstream >= 400 && upstream < 500 && upstream !== 429 && upstream !== 408) {
      this.retryable = false;
      const credentials = upstream === 401 || upstream === 403;
      this.status = credentials ? 502 : upstream;
      this.category = credentials ? 'upstream' : upstream === 404 ? 'not_found' : upstream === 413 ? 'too_large' : 'invalid_request';
    } else {
      this.retryable = true;
      this.status = upstream === 'timeout' || upstream === 'ttft' ? 504 : 502;
      this.category = this.status === 504 ? 'timeout' : 'upstream';
    }
  }
}

/** The client went away before the answer was complete: its own outcome, never an error of the gateway. */
export class ClientClosedError extends GatewayError {
  readonly status = 499;
  readonly category = 'server';
  constructor() {
    super('The client closed the connection before the response was complete.', { code: 'client_closed' });
  }
}

/** Anything thrown that is not a GatewayError becomes a 500 that leaks nothing. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new InternalServerError('The server had an error while processing your request.', { cause: err });
}
