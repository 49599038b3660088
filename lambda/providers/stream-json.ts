// The one place upstream stream JSON is parsed, with one error policy: an event that is not the JSON its
// protocol promises is the provider's failure (UpstreamError 'malformed': fallback before the first byte
// reached the client, an error event after), never a gateway fault.
import { UpstreamError } from '../wire/errors';
import { decodeSse, type SseEvent } from '../wire/sse';

export function malformed(provider: string, cause?: unknown): UpstreamError {
  return new UpstreamError(`${provider} sent a malformed stream event`, 'malformed', { cause });
}

/** One event's data as JSON of the expected kind (an object); anything else is malformed. */
export function parseEventData<T extends object>(event: SseEvent, provider: string): T {
  let value: unknown;
  try {
    value = JSON.parse(event.data);
  } catch (err) {
    throw malformed(provider, err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(provider);
  return value as T;
}

export interface JsonEvent<T> {
  /** The SSE `event:` name, when the protocol names its events. */
  name?: string;
  data: T;
}

/**
 * Upstream bytes to JSON events. `sentinel` is a data line that is not JSON and ends the stream (OpenAI's
 * "[DONE]"): it is reported as `done` and nothing after it is read.
 */
export async function* jsonEvents<T extends object>(
  bytes: AsyncIterable<Uint8Array>,
  provider: string,
  sentinel?: string,
): AsyncGenerator<JsonEvent<T> | { done: true }> {
  for await (const event of decodeSse(bytes)) {
    if (sentinel !== undefined && event.data === sentinel) {
      yield { done: true };
      return;
    }
    yield { name: event.event, data: parseEventData<T>(event, provider) };
  }
}

export function isDone<T>(e: JsonEvent<T> | { done: true }): e is { done: true } {
  return 'done' in e;
}
