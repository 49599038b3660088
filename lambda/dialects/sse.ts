// A dialect's stream, encoded: canonical parts in, SSE text out, with the dialect's error event where the
// stream fails after it began (nothing can be retried once bytes went out). The encoder is the dialect's;
// this is the loop every dialect shares.
import type { StreamPart } from '../core/canonical/result';
import { toGatewayError, type GatewayError } from '../wire/errors';

export interface StreamEncoder {
  /** Events before the first part (Responses' response.created). */
  open?(): string[];
  part(part: StreamPart): string[] | Promise<string[]>;
  /** Events after the last part. */
  close?(): string[];
  /** The dialect's error event for a stream that failed after it began. */
  error(error: GatewayError): string[];
}

export async function* encodeStream(parts: AsyncIterable<StreamPart>, encoder: StreamEncoder): AsyncGenerator<string> {
  for (const e of encoder.open?.() ?? []) yield e;
  try {
    for await (const part of parts) for (const e of await encoder.part(part)) yield e;
  } catch (err) {
    for (const e of encoder.error(toGatewayError(err))) yield e;
    return;
  }
  for (const e of encoder.close?.() ?? []) yield e;
}
