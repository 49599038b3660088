// Anthropic's error shape: {"type": "error", "error": {"type", "message"}}, with the status the category
// carries. The one place this dialect renders errors.
import type { ErrorCategory, GatewayError } from '../../wire/errors';
import type { RenderedError } from '../dialect';

const TYPE: Readonly<Record<ErrorCategory, string>> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  method_not_allowed: 'invalid_request_error',
  conflict: 'invalid_request_error',
  too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  quota: 'rate_limit_error',
  server: 'api_error',
  upstream: 'api_error',
  unavailable: 'overloaded_error',
  timeout: 'timeout_error',
};

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/** Anthropic writes paths with dotted indexes ("messages.0.content"); errors raised elsewhere use brackets. */
const anthropicPath = (param: string) => param.replace(/\[(\d+)\]/g, '.$1');

/** Canonical field names (the core's errors use chat's) in this dialect's words. */
const PARAMS: Readonly<Record<string, string>> = { response_format: 'output_format', stop: 'stop_sequences' };

export function anthropicErrorBody(error: GatewayError): AnthropicErrorBody {
  // Anthropic's messages lead with the field ("max_tokens: Field required"); ours name it with `param`.
  const param = error.param === null ? null : anthropicPath(Object.hasOwn(PARAMS, error.param) ? PARAMS[error.param]! : error.param);
  const message = anthropicPath(error.message);
  return { type: 'error', error: { type: TYPE[error.category], message: param && !message.includes(param) ? `${param}: ${message}` : message } };
}

export function renderAnthropicError(error: GatewayError): RenderedError {
  return { status: error.status, headers: error.headers, body: anthropicErrorBody(error) };
}
