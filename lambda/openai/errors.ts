// One error hierarchy, one class per HTTP status (as openai-node does on the client side).
// Every error renders itself into OpenAI's shape: {"error": {"message", "type", "param", "code"}}.

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface ErrorOptions {
  param?: string | null;
  code?: string | null;
  headers?: Record<string, string>;
  cause?: unknown;
}

export abstract class GatewayError extends Error {
  abstract readonly status: number;
  abstract readonly type: string;
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

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export class BadRequestError extends GatewayError {
  readonly status = 400;
  readonly type = 'invalid_request_error';
}

export class AuthenticationError extends GatewayError {
  readonly status = 401;
  readonly type = 'invalid_request_error';
  constructor(message = 'Incorrect API key provided.', options: ErrorOptions = {}) {
    super(message, { code: 'invalid_api_key', ...options });
  }
}

export class PermissionDeniedError extends GatewayError {
  readonly status = 403;
  readonly type = 'invalid_request_error';
}

export class NotFoundError extends GatewayError {
  readonly status = 404;
  readonly type = 'invalid_request_error';
}

export class MethodNotAllowedError extends GatewayError {
  readonly status = 405;
  readonly type = 'invalid_request_error';
}

export class ConflictError extends GatewayError {
  readonly status = 409;
  readonly type = 'invalid_request_error';
}

export class PayloadTooLargeError extends GatewayError {
  readonly status = 413;
  readonly type = 'invalid_request_error';
}

export class UnprocessableEntityError extends GatewayError {
  readonly status = 422;
  readonly type = 'invalid_request_error';
}

export class RateLimitError extends GatewayError {
  readonly status = 429;
  readonly type = 'rate_limit_exceeded';
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { code: 'rate_limit_exceeded', ...options });
  }
}

export class InternalServerError extends GatewayError {
  readonly status = 500;
  readonly type = 'server_error';
}

export class BadGatewayError extends GatewayError {
  readonly status = 502;
  readonly type = 'upstream_error';
}

export class ServiceUnavailableError extends GatewayError {
  readonly status = 503;
  readonly type = 'service_unavailable';
}

export class GatewayTimeoutError extends GatewayError {
  readonly status = 504;
  readonly type = 'timeout';
}

/**
 * A failed upstream call. `retryable` says whether another route may be tried: 429, 5xx, timeouts and
 * connection failures are the provider's fault; 400/413/422 are the request's and go back as they are.
 */
export class UpstreamError extends GatewayError {
  readonly status: number;
  readonly type: string;
  readonly retryable: boolean;
  /** The upstream's HTTP status, or a short reason where there was none ('timeout', 'connection', 'ttft'). */
  readonly upstream: number | 'timeout' | 'connection' | 'ttft' | 'stream';

  constructor(
    message: string,
    upstream: number | 'timeout' | 'connection' | 'ttft' | 'stream',
    options: ErrorOptions = {},
  ) {
    super(message, options);
    this.upstream = upstream;
    if (typeof upstream === 'number' && upstream >= 400 && upstream < 500 && upstream !== 429 && upstream !== 408) {
      this.retryable = false;
      this.status = upstream === 401 || upstream === 403 ? 502 : upstream;
      this.type = upstream === 401 || upstream === 403 ? 'upstream_error' : 'invalid_request_error';
    } else {
      this.retryable = true;
      this.status = upstream === 'timeout' || upstream === 'ttft' ? 504 : 502;
      this.type = 'upstream_error';
    }
  }
}

/** Anything thrown that is not a GatewayError becomes a 500 that leaks nothing. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new InternalServerError('The server had an error while processing your request.', { cause: err });
}
