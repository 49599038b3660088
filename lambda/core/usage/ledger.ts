// Writing one request's usage so that nothing counts twice: the record is written once, conditionally on
// its request id not existing, and only the writer that stored it adds it to the aggregates. A repeated
// settlement of the same request finds the record and adds nothing. Aggregate updates are additions and
// are never retried blindly (a retry after a lost answer could add twice); one that fails is noted on the
// record instead, so the aggregates can be rebuilt from records, which stay exact.
import type { UsageStore } from './port';
import type { UsageRecord } from './record';

export async function writeUsage(store: UsageStore, record: UsageRecord, expiresAt: number, writer: string): Promise<'written' | 'duplicate'> {
  if (!(await store.putRecord(record, expiresAt, writer))) return 'duplicate';
  const missing = await store.addToAggregates(record);
  if (missing.length) await store.flagMissingAggregates(record, missing);
  return 'written';
}
