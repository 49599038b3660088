// OpenAI's error shape, {"error": {"message", "type", "param", "code"}}: the platform-wide shape of both
// OpenAI dialects (chat completions and Responses), of /v1/models and of the admin API.
import type { ErrorCategory, GatewayError } from '../wire/errors';
import type { RenderedError } from './dialect';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const TYPE: Readonly<Record<ErrorCategory, string>> = {
  invalid_request: 'invalid_request_error',
  authentication: 'invalid_request_error',
  permission: 'invalid_request_error',
  not_found: 'invalid_request_error',
  method_not_allowed: 'invalid_request_error',
  conflict: 'invalid_request_error',
  too_large: 'invalid_request_error',
  rate_limit: 'rate_limit_exceeded',
  quota: 'insufficient_quota',
  server: 'server_error',
  upstream: 'upstream_error',
  unavailable: 'service_unavailable',
  timeout: 'timeout',
};

export function openAIErrorBody(error: GatewayError, params: Readonly<Record<string, string>> = {}): OpenAIErrorBody {
  // Own keys only: a param named by the client ("__proto__", "constructor") must not find the prototype's.
  const param = error.param === null ? null : Object.hasOwn(params, error.param) ? params[error.param]! : error.param;
  return { error: { message: error.message, type: TYPE[error.category], param, code: error.code } };
}

/** Renders an error for an OpenAI dialect; `params` maps canonical field names to the dialect's own. */
export function renderOpenAIError(error: GatewayError, params?: Readonly<Record<string, string>>): RenderedError {
  return { status: error.status, headers: error.headers, body: openAIErrorBody(error, params) };
}
