// The port usage metering writes and reads through; lambda/store/usage-store.ts implements it on DynamoDB.
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

export interface UsageStore {
  /**
   * Writes the record unless one with its request id exists. True when this writer's record is the one
   * stored (also when an earlier attempt of the same writer stored it and the answer was lost).
   */
  putRecord(record: UsageRecord, expiresAt: number, writer: string): Promise<boolean>;
  /** Adds the record to each of its aggregates; returns the dimensions whose update failed. */
  addToAggregates(record: UsageRecord): Promise<AggregateDimension[]>;
  /** Notes on the record which aggregates it is missing from, for reconciliation. */
  flagMissingAggregates(record: UsageRecord, missing: AggregateDimension[]): Promise<void>;
  /** Aggregate rows of one dimension for an account, days `fromDay`..`toDay` inclusive ("YYYY-MM-DD"). */
  aggregates(accountId: string, dimension: AggregateDimension, fromDay: string, toDay: string): Promise<AggregateRow[]>;
  /** Records of an account that started within [fromIso, toIso), oldest first. */
  records(accountId: string, fromIso: string, toIso: string): Promise<UsageRecord[]>;
}
