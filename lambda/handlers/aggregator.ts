// The usage aggregator Lambda, fed by the counters table's stream (filtered to images that carry a usage
// record, see RECORD_FILTER). Thin: stream images to sourced records, then core/usage/aggregate.ts. A
// failure throws, so the event source retries the batch; aggregation is idempotent under that.
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { loadConfig } from '../config';
import { systemClock, type Clock } from '../core/clock';
import { aggregate, type AggregationResult } from '../core/usage/aggregate';
import type { Sourced, UsageStore } from '../core/usage/port';
import { decodeRecord } from '../core/usage/record';
import { createStore } from '../store/dynamo';
import { streamedRecord } from '../store/limit-store';

export interface AggregatorDeps {
  usage: UsageStore;
  clock: Clock;
  retentionMs: number;
}

const DAY_MS = 86_400_000;

export function sourcedRecords(event: DynamoDBStreamEvent): Sourced[] {
  return event.Records.flatMap((r): Sourced[] => {
    if (r.eventName === 'REMOVE') return [];
    const s = streamedRecord(r.dynamodb?.NewImage as Parameters<typeof streamedRecord>[0]);
    return s ? [{ record: decodeRecord(s.text), source: s.source, position: s.position }] : [];
  });
}

export function handleUsageStream(event: DynamoDBStreamEvent, deps: AggregatorDeps): Promise<AggregationResult> {
  return aggregate(deps.usage, sourcedRecords(event), deps.retentionMs, deps.clock.now());
}

let deps: AggregatorDeps | undefined;

export const handler = async (event: DynamoDBStreamEvent): Promise<void> => {
  if (!deps) {
    const config = loadConfig();
    deps = { usage: createStore(config).usage, clock: systemClock, retentionMs: config.usageRetentionDays * DAY_MS };
  }
  await handleUsageStream(event, deps);
};
