// What the fuzz test accepts as an answer: never a 5xx; an error in the endpoint's own shape with a type
// that fits its status; a 200 that is valid against the published schema of what was asked for (JSON or
// every event of a stream). Each check throws with what was wrong, so fast-check reports and shrinks it.
import { anthropicValidator, type AnthropicSchemaName } from '../anthropic-schemas';
import { validator, type SchemaName } from '../openai-schemas';

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** The endpoint a request was meant for decides the error shape and the schema of a 200. */
export type Expect =
  | { shape: 'openai'; ok?: SchemaName | 'deleted' | 'object'; stream?: 'chat' | 'responses' }
  | { shape: 'anthropic'; ok?: AnthropicSchemaName; stream?: 'messages' }
  /** Only the status is judged (HEAD). */
  | { shape: 'none' };

/** The statuses bad input may get; anything else (a 5xx above all) is a defect. */
const CLIENT_STATUSES = new Set([400, 401, 403, 404, 405, 409, 413, 422, 429]);

const OPENAI_TYPE = (status: number) => (status === 429 ? ['rate_limit_exceeded', 'insufficient_quota'] : ['invalid_request_error']);
const ANTHROPIC_TYPE: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  409: 'invalid_request_error',
  413: 'request_too_large',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};

function fail(why: string, answer: Answer): never {
  throw new Error(`${why}\nstatus ${answer.status} (${answer.contentType}): ${answer.text.slice(0, 600)}`);
}

function json(answer: Answer): unknown {
  try {
    return JSON.parse(answer.text);
  } catch {
    return fail('the body is not JSON', answer);
  }
}

export function checkAnswer(expect: Expect, answer: Answer): void {
  if (answer.status >= 500) fail('a 5xx for client input', answer);
  if (expect.shape === 'none') {
    if (answer.status !== 200 && !CLIENT_STATUSES.has(answer.status)) fail('an unexpected status', answer);
    return;
  }
  if (answer.status === 200) return checkOk(expect, answer);
  if (!CLIENT_STATUSES.has(answer.status)) fail('an unexpected status', answer);
  if (!answer.contentType.startsWith('application/json')) fail('an error that is not JSON', answer);
  const body = json(answer);
  if (expect.shape === 'anthropic') {
    anthropicValidator().assert('ErrorResponse', body);
    const type = (body as { error: { type: string } }).error.type;
    if (type !== ANTHROPIC_TYPE[answer.status]) fail(`error type ${type} for status ${answer.status}`, answer);
    return;
  }
  validator().assert('ErrorResponse', body);
  const error = (body as { error: Record<string, unknown> }).error;
  for (const field of ['param', 'code'] as const) {
    if (!(field in error) || (error[field] !== null && typeof error[field] !== 'string')) fail(`error.${field} missing or not a string or null`, answer);
  }
  if (!error.message) fail('an empty error message', answer);
  if (!OPENAI_TYPE(answer.status).includes(String(error.type))) fail(`error type ${String(error.type)} for status ${answer.status}`, answer);
}

function checkOk(expect: Exclude<Expect, { shape: 'none' }>, answer: Answer): void {
  if (answer.contentType.startsWith('text/event-stream')) {
    if (!expect.stream) fail('a stream that was not asked for', answer);
    return checkStream(expect.stream, answer);
  }
  const body = json(answer);
  if (expect.shape === 'anthropic') {
    if (!expect.ok) fail('a 200 where none was expected', answer);
    return anthropicValidator().assert(expect.ok, body);
  }
  if (expect.ok === 'deleted') {
    const d = body as Record<string, unknown>;
    if (typeof d.id !== 'string' || d.object !== 'response' || d.deleted !== true) fail('not a deletion confirmation', answer);
    return;
  }
  if (expect.ok === 'object') {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) fail('not a JSON object', answer);
    return;
  }
  if (!expect.ok) fail('a 200 where none was expected', answer);
  validator().assert(expect.ok, body);
}

/** `data:` payloads of an SSE body, in order. */
function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((e) => e.trim())
    .map((e) => e.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'));
}

function checkStream(kind: 'chat' | 'responses' | 'messages', answer: Answer): void {
  const data = sseData(answer.text);
  if (!data.length) fail('an empty stream', answer);
  if (kind === 'chat') {
    const done = data.at(-1) === '[DONE]';
    const events = done ? data.slice(0, -1) : data;
    events.forEach((d, i) => {
      const event = JSON.parse(d) as Record<string, unknown>;
      // A stream that fails after its first byte ends with one error event and no [DONE].
      if ('error' in event) {
        if (done || i !== events.length - 1) fail('an error event that does not end the stream', answer);
        return validator().assert('ErrorResponse', event);
      }
      validator().assert('CreateChatCompletionStreamResponse', event);
    });
    return;
  }
  for (const d of data) {
    const event = JSON.parse(d) as { type?: unknown };
    if (kind === 'responses') validator().assertEvent(event);
    else anthropicValidator().assert('StreamEvent', event);
  }
}
