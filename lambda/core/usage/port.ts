// The port usage metering writes and reads through; lambda/store/usage-store.ts implements it on DynamoDB.
// Records reach it from the aggregator (aggregate.ts), off the request path; the request path only hands
// each record to the key's counter item at settlement.
import type { UsageRecord, UsageTotals } from './record';

/**
 * The aggregates kept per UTC day: per account, per account and model, per key, per key and model.
 * "model" is the model that served.
 */
export type AggregateDimension = 'account' | 'model' | 'key' | 'key-model';

export const AGGREGATE_DIMENSIONS: readonly AggregateDimension[] = ['account', 'model', 'key', 'key-model'];

export interface AggregateRow {
  day: string;
  model?: string;
  keyId?: string;
  totals: UsageTotals;
}

/** One aggregate item: an account's day, or one key's day within it. */
export interface AggregateRef {
  accountId: string;
  day: string;
  keyId?: string;
}

/**
 * Where a record came from: its counter item (`source`) and the settlement's number in that item
 * (`position`, increasing by one per settlement). Positions make aggregation idempotent: an aggregate item
 * remembers the last position it took from each source, so a redelivered record is not added twice.
 */
export interface Sourced {
  record: UsageRecord;
  source: string;
  position: number;
}

export interface AggregateAddition {
  ref: AggregateRef;
  /** Totals to add, by the model that served ("(none)" when none did). */
  byModel: ReadonlyMap<string, UsageTotals>;
  /** Per source: the position the item held (undefined: none yet) and the one it holds after. */
  positions: ReadonlyMap<string, { from?: number; to: number }>;
}

export interface UsageStore {
  /** The last position each aggregate item took from each source, keyed by `refKey`. */
  appliedPositions(refs: readonly AggregateRef[]): Promise<Map<string, Map<string, number>>>;
  /** Adds to one aggregate item, if its positions are still those read; false when they moved meanwhile. */
  addToAggregate(addition: AggregateAddition): Promise<boolean>;
  /** Stores one chunk of an account's records of one day; writing the same chunk again changes nothing. */
  putRecords(accountId: string, day: string, chunkId: string, records: readonly UsageRecord[], expiresAt: number): Promise<void>;
  /** Aggregate rows of one dimension for an account, days `fromDay`..`toDay` inclusive ("YYYY-MM-DD"). */
  aggregates(accountId: string, dimension: AggregateDimension, fromDay: string, toDay: string): Promise<AggregateRow[]>;
  /** Records of an account that started within [fromIso, toIso), oldest first, each once. */
  records(accountId: string, fromIso: string, toIso: string): Promise<UsageRecord[]>;
}

export const refKey = (ref: AggregateRef) => `${ref.accountId}|${ref.day}|${ref.keyId ?? ''}`;
