import type { RequestTrace } from './trace';

/**
 * What a route hands back to the edge: JSON once, or a stream of already-encoded SSE events (each dialect
 * frames its own). `finalize` runs after the last byte has been written and before the invocation ends
 * (settlement), whatever happened while writing.
 */
export type CoreResult =
  | { kind: 'json'; status: number; headers: Record<string, string>; body: unknown; finalize?: () => Promise<void> }
  | {
      kind: 'stream';
      status: 200;
      headers: Record<string, string>;
      /** SSE text, event by event. A failure mid-stream is already rendered as the dialect's error event. */
      events: AsyncIterable<string>;
      finalize?: () => Promise<void>;
    };

/** What every request brings in from the edge, whatever the event shape. */
export interface RequestContext {
  requestId: string;
  sourceIp: string;
  /** Aborted when the client disconnects (where the platform can tell). */
  signal: AbortSignal;
  /** Filled in with the routing story for the request's log line, when the edge keeps one. */
  trace?: RequestTrace;
}
