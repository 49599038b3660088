// The usage aggregator, run locally the way AWS runs it: the counters table's stream, filtered and batched
// by an event source with the stack's settings, into the same handler code (handlers/aggregator.ts).
import type { Config } from '../config';
import type { Clock } from '../core/clock';
import type { UsageStore } from '../core/usage/port';
import { handleUsageStream } from '../handlers/aggregator';
import { RECORD_FILTER } from '../store/limit-store';
import { USAGE_STREAM } from '../store/tables';
import type { LocalStreams } from './dynamo-streams';
import { startEventSource, type EventSource, type FilterPattern } from './event-source';

const DAY_MS = 86_400_000;

export function startUsageStream(
  streams: LocalStreams,
  config: Pick<Config, 'tables' | 'usageRetentionDays'>,
  usage: UsageStore,
  clock: Clock,
  /** Told of every batch handled, with how long the handler ran (what Lambda would bill). */
  onBatch?: (ms: number, records: number) => void,
): EventSource {
  return startEventSource(streams, {
    table: config.tables.counters,
    filter: RECORD_FILTER as unknown as FilterPattern,
    batchSize: USAGE_STREAM.batchSize,
    windowMs: USAGE_STREAM.maxBatchingWindowSeconds * 1000,
    handler: async (event) => {
      const began = performance.now();
      await handleUsageStream(event, { usage, clock, retentionMs: config.usageRetentionDays * DAY_MS });
      onBatch?.(performance.now() - began, event.Records.length);
    },
    onError: (err) => console.error(JSON.stringify({ level: 'error', message: 'usage aggregation failed; the batch is retried', error: err instanceof Error ? err.message : String(err) })),
  });
}
