// The Lambda Runtime API as a runtime client speaks it (version 2018-06-01): the routes, the invoke headers
// the client requires, and the headers of the streaming response mode. Shared by the emulator's server
// side and its tests, so both name the wire the same way.

export const RUNTIME_API_VERSION = '2018-06-01';

/** Headers on GET .../invocation/next; the first three are required by aws-lambda-ric. */
export const INVOKE_HEADERS = {
  requestId: 'lambda-runtime-aws-request-id',
  deadlineMs: 'lambda-runtime-deadline-ms',
  functionArn: 'lambda-runtime-invoked-function-arn',
  traceId: 'lambda-runtime-trace-id',
} as const;

export const RESPONSE_MODE_HEADER = 'lambda-runtime-function-response-mode';
export const STREAMING_MODE = 'streaming';
/** Trailers a streaming runtime adds when the handler fails after the response began. */
export const ERROR_TYPE_TRAILER = 'lambda-runtime-function-error-type';
export const ERROR_BODY_TRAILER = 'lambda-runtime-function-error-body';
export const ERROR_TYPE_HEADER = 'lambda-runtime-function-error-type';

/** The error document runtimes post to /error and /init/error (and base64 in the error-body trailer). */
export interface FunctionError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type RuntimeRoute =
  | { kind: 'next' }
  | { kind: 'response'; requestId: string }
  | { kind: 'error'; requestId: string }
  | { kind: 'init-error' };

const PREFIX = `/${RUNTIME_API_VERSION}/runtime`;

export function matchRoute(method: string, path: string): RuntimeRoute | undefined {
  if (!path.startsWith(`${PREFIX}/`)) return undefined;
  const rest = path.slice(PREFIX.length + 1).split('/');
  if (method === 'GET' && rest.length === 2 && rest[0] === 'invocation' && rest[1] === 'next') return { kind: 'next' };
  if (method === 'POST' && rest.length === 2 && rest[0] === 'init' && rest[1] === 'error') return { kind: 'init-error' };
  if (method === 'POST' && rest.length === 3 && rest[0] === 'invocation' && rest[1]) {
    const requestId = decodeURIComponent(rest[1]);
    if (rest[2] === 'response') return { kind: 'response', requestId };
    if (rest[2] === 'error') return { kind: 'error', requestId };
  }
  return undefined;
}

/** Reads an error document leniently: a runtime that crashed half-way may post anything. */
export function parseFunctionError(raw: string, fallbackType: string): FunctionError {
  try {
    const parsed = JSON.parse(raw) as Partial<FunctionError>;
    if (parsed && typeof parsed === 'object') {
      return {
        errorType: typeof parsed.errorType === 'string' ? parsed.errorType : fallbackType,
        errorMessage: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : raw,
        trace: Array.isArray(parsed.trace) ? parsed.trace.map(String) : undefined,
      };
    }
  } catch {
    // not JSON: keep the text as the message
  }
  return { errorType: fallbackType, errorMessage: raw };
}
