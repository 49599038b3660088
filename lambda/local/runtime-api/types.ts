// What the emulator runs and what an invocation gives back: shared by environments, pools and the front.
import type { FunctionError } from './protocol';

export interface FunctionDefinition {
  name: string;
  /** The unpacked deployment package (LAMBDA_TASK_ROOT). */
  taskRoot: string;
  handler: string;
  memoryMb: number;
  timeoutS: number;
  /** Lambda's runtime identifier, e.g. nodejs24.x (reported as AWS_EXECUTION_ENV). */
  runtime: string;
  /** The function's own configuration (the variables the stack sets), without Lambda's reserved ones. */
  environment: Record<string, string>;
}

export interface RuntimeClient {
  /** `node <entry> <handler>` starts the runtime client. */
  entry: string;
  /** NODE_PATH for the function: where `require` finds what Lambda's runtime provides (the AWS SDK). */
  nodePath: string;
}

export interface Invocation {
  event: unknown;
  /** The function began a streamed response with this content type; its bytes follow through onBytes. */
  onStreamStart?(contentType: string): void;
  /** Streamed bytes as they arrive from the runtime; returning false pauses the runtime until onceDrain fires. */
  onBytes?(bytes: Buffer): boolean;
  onceDrain?(resume: () => void): void;
  /** The caller went away: the response connection is cut, which the handler sees as its stream closing. */
  signal?: AbortSignal;
}

export type InvocationOutcome =
  /** The handler returned a value (its JSON), as a non-streaming function does. */
  | { kind: 'buffered'; payload: Buffer }
  /** A streamed response ended; `error` is set when the runtime reported a failure after it began. */
  | { kind: 'streamed'; error?: FunctionError }
  /** The function failed before responding, timed out, or its process died. */
  | { kind: 'error'; error: FunctionError }
  /** The caller left; nothing more will be delivered. */
  | { kind: 'abandoned' };

export interface EnvironmentTimings {
  spawnedAt: number;
  /** The runtime's first request for an event: the end of init. */
  readyAt?: number;
  /** The first response (buffered body or first streamed bytes) of the first invocation. */
  firstResponseAt?: number;
}
