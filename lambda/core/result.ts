import type { ChatCompletionChunk } from '../openai/types';
import type { RequestTrace } from './trace';

/**
 * What the core hands back to an edge handler. The edge renders it: JSON once, SSE framing once.
 * `finalize` runs after the last byte has been written and before the invocation ends (settlement).
 */
export type CoreResult =
  | { kind: 'json'; status: number; headers: Record<string, string>; body: unknown; finalize?: () => Promise<void> }
  | {
      kind: 'stream';
      status: 200;
      headers: Record<string, string>;
      /** May throw a GatewayError mid-stream; the edge ends the stream with an OpenAI-style error event. */
      chunks: AsyncIterable<ChatCompletionChunk>;
      finalize?: () => Promise<void>;
    };

/** What every request brings in from the edge, whatever the event shape. */
export interface RequestContext {
  requestId: string;
  sourceIp: string;
  authorization?: string;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
  /** Filled in with the routing story for the request's log line, when the edge keeps one. */
  trace?: RequestTrace;
  /**
   * Work to run after the response's last byte and before the invocation ends, whatever the response was
   * (an error response has no `finalize`). Absent where the edge cannot wait: callers then do it inline.
   */
  defer?: (task: () => Promise<void>) => void;
}
