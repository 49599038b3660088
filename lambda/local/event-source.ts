// A Lambda event source mapping for a local stream, as AWS runs one for a DynamoDB stream: records that
// match the filter are batched (up to `batchSize`, or whatever arrived within `windowMs` of the first),
// handed to the handler one batch at a time in stream order, and a batch whose handler throws is retried,
// with backoff, until it succeeds. The filter language is the subset the stack uses: literal values and
// `{ exists: true }`.
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { LocalStreams } from './dynamo-streams';

export type FilterPattern = { readonly [key: string]: FilterPattern | readonly unknown[] };

export interface EventSourceOptions {
  table: string;
  filter: FilterPattern;
  batchSize: number;
  windowMs: number;
  handler: (event: DynamoDBStreamEvent) => Promise<unknown>;
  onError?: (err: unknown) => void;
}

export interface EventSource {
  /** Resolves once every record seen so far has been handled. */
  drained(): Promise<void>;
  close(): void;
}

const MAX_RETRY_MS = 2_000;

/** Whether a record matches a Lambda filter pattern (literal lists and `exists` only). */
export function matches(value: unknown, pattern: FilterPattern | readonly unknown[]): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((p) => (typeof p === 'object' && p !== null && 'exists' in p ? (value !== undefined) === (p as { exists: boolean }).exists : value === p));
  }
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(pattern as FilterPattern).every(([k, p]) => matches((value as Record<string, unknown>)[k], p));
}

export function startEventSource(streams: LocalStreams, options: EventSourceOptions): EventSource {
  const buffer: DynamoDBRecord[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  let waiters: Array<() => void> = [];

  const settleWaiters = () => {
    if (buffer.length || running) return;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };

  const run = async () => {
    while (buffer.length && !closed) {
      const batch = buffer.splice(0, options.batchSize);
      for (let delay = 50; ; delay = Math.min(MAX_RETRY_MS, delay * 2)) {
        try {
          await options.handler({ Records: batch });
          break;
        } catch (err) {
          options.onError?.(err);
          if (closed) return;
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    }
  };

  const flush = () => {
    timer = undefined;
    if (running || closed) return;
    running = run().finally(() => {
      running = undefined;
      if (buffer.length) schedule();
      else settleWaiters();
    });
  };

  const schedule = () => {
    if (timer || running) return;
    timer = setTimeout(flush, buffer.length >= options.batchSize ? 0 : options.windowMs);
    timer.unref?.();
  };

  streams.enable(options.table);
  const unsubscribe = streams.subscribe(options.table, (record) => {
    if (closed || !matches(record, options.filter)) return;
    buffer.push(record);
    if (buffer.length >= options.batchSize && timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    schedule();
  });

  return {
    drained: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        if (timer) {
          // Waiting out the batching window would only slow whoever asks: flush now.
          clearTimeout(timer);
          flush();
        }
        settleWaiters();
      }),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
      settleWaiters();
    },
  };
}
