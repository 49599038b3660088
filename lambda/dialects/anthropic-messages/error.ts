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

export function anthropicErrorBody(error: GatewayError): AnthropicErrorBody {
  // Anthropic's messages lead with the field ("max_tokens: Field required"); ours name it with `param`.
  const message = error.param && !error.message.includes(error.param) ? `${error.param}: ${error.message}` : error.message;
  return { type: 'error', error: { type: TYPE[error.category], message } };
}

export function renderAnthropicError(error: GatewayError): RenderedError {
  return { status: error.status, headers: error.headers, body: anthropicErrorBody(error) };
}
