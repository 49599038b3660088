// Usage records and aggregates against dynalite, as the aggregator writes them: batches become record chunks
// and additions to the daily aggregates; a batch delivered again, or overlapping an earlier one, adds
// nothing twice; aggregates are queried by day, model and key, records read back once per request.
import { describe, expect, it } from 'vitest';
import { newAccountId, newKeyId } from '../../lambda/core/ids';
import { aggregate } from '../../lambda/core/usage/aggregate';
import type { Sourced } from '../../lambda/core/usage/port';
import type { UsageRecord } from '../../lambda/core/usage/record';
import { useStore } from '../helpers/store';

const db = useStore();

let seq = 0;
function record(accountId: string, keyId: string, over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: `req-${seq++}`,
    keyId,
    accountId,
    dialect: 'openai-chat',
    requestedModel: 'auto',
    modelUsed: 'gpt-4.1',
    provider: 'openai',
    routingMode: 'cost',
    fallbacks: 0,
    stream: false,
    promptTokens: 10,
    completionTokens: 20,
    totalTokens: 30,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    usageSource: 'upstream',
    costNanoUsd: 180_000,
    costUsd: 0.00018,
    latencyMs: 12,
    ttftMs: 12,
    status: 'ok',
    clientDisconnected: false,
    startedAt: '2026-01-15T12:00:00.000Z',
    ...over,
  };
}
const NOW = Date.UTC(2026, 0, 21);
const RETAIN = 90 * 86_400_000;
/** Records as a key shard's stream delivers them: positions 1, 2, 3, … per source. */
function sourced(records: UsageRecord[], source = `${records[0]!.keyId}#0`, first = 1): Sourced[] {
  return records.map((record, i) => ({ record, source: record.keyId === source.split('#')[0] ? source : `${record.keyId}#0`, position: first + i }));
}
const run = (batch: Sourced[]) => aggregate(db.store.usage, batch, RETAIN, NOW);

describe('usage aggregation', () => {
  it('adds a batch once: delivered again, or overlapping the last one, nothing counts twice', async () => {
    const accountId = newAccountId();
    const keyId = newKeyId();
    const records = Array.from({ length: 5 }, () => record(accountId, keyId));
    const batch = sourced(records);
    expect(await run(batch.slice(0, 3))).toMatchObject({ records: 3, additions: 2 });
    // The event source hands the same batch over again (the function timed out after writing), then a
    // batch that starts inside the first.
    expect(await run(batch.slice(0, 3))).toMatchObject({ additions: 0 });
    expect(await run(batch.slice(1))).toMatchObject({ records: 4, additions: 2 });
    const [day] = await db.store.usage.aggregates(accountId, 'account', '2026-01-15', '2026-01-15');
    expect(day?.totals).toMatchObject({ requests: 5, totalTokens: 150, costNanoUsd: 900_000 });
    const [key] = await db.store.usage.aggregates(accountId, 'key', '2026-01-15', '2026-01-15');
    expect(key?.totals.requests).toBe(5);
    // Record chunks overlap; reading them back keeps one record per request.
    const back = await db.store.usage.records(accountId, '2026-01-15T00:00:00.000Z', '2026-01-16T00:00:00.000Z');
    expect(back.map((r) => r.requestId).sort()).toEqual(records.map((r) => r.requestId).sort());
  });

  it('keeps positions per source: two shards of one key and two keys of one account add up', async () => {
    const accountId = newAccountId();
    const [k1, k2] = [newKeyId(), newKeyId()];
    const a = sourced([record(accountId, k1), record(accountId, k1)], `${k1}#0`);
    const b = sourced([record(accountId, k1)], `${k1}#1`);
    const c = sourced([record(accountId, k2)], `${k2}#0`);
    await run([...a, ...b, ...c]);
    await run([...b, ...c]);
    const [day] = await db.store.usage.aggregates(accountId, 'account', '2026-01-15', '2026-01-15');
    expect(day?.totals.requests).toBe(4);
    const keys = await db.store.usage.aggregates(accountId, 'key', '2026-01-15', '2026-01-15');
    expect(Object.fromEntries(keys.map((k) => [k.keyId, k.totals.requests]))).toEqual({ [k1]: 3, [k2]: 1 });
  });

  it('aggregates per day, per model, per key and per key and model', async () => {
    const accountId = newAccountId();
    const [k1, k2] = [newKeyId(), newKeyId()];
    const records = [
      record(accountId, k1),
      record(accountId, k1, { modelUsed: 'claude-haiku-4.5', promptTokens: 5, completionTokens: 7, totalTokens: 12, costNanoUsd: 40_000 }),
      record(accountId, k2, { startedAt: '2026-01-16T08:00:00.000Z' }),
      record(accountId, k2, { startedAt: '2026-01-20T08:00:00.000Z' }),
    ];
    await run([...sourced(records.slice(0, 2)), ...sourced(records.slice(2))]);
    const days = await db.store.usage.aggregates(accountId, 'account', '2026-01-15', '2026-01-16');
    expect(days.map((d) => [d.day, d.totals.requests, d.totals.totalTokens])).toEqual([
      ['2026-01-15', 2, 42],
      ['2026-01-16', 1, 30],
    ]);
    const models = await db.store.usage.aggregates(accountId, 'model', '2026-01-15', '2026-01-15');
    expect(models.map((m) => [m.model, m.totals.costNanoUsd])).toEqual([
      ['claude-haiku-4.5', 40_000],
      ['gpt-4.1', 180_000],
    ]);
    const keys = await db.store.usage.aggregates(accountId, 'key', '2026-01-01', '2026-01-31');
    expect(keys.filter((k) => k.keyId === k2).map((k) => k.day)).toEqual(['2026-01-16', '2026-01-20']);
    const keyModels = await db.store.usage.aggregates(accountId, 'key-model', '2026-01-15', '2026-01-15');
    expect(keyModels.map((k) => [k.keyId, k.model, k.totals.requests])).toEqual([
      [k1, 'claude-haiku-4.5', 1],
      [k1, 'gpt-4.1', 1],
    ]);
    const back = await db.store.usage.records(accountId, '2026-01-16T00:00:00.000Z', '2026-01-21T00:00:00.000Z');
    expect(back.map((r) => r.startedAt)).toEqual(['2026-01-16T08:00:00.000Z', '2026-01-20T08:00:00.000Z']);
  });

  it('counts a request no model served under "(none)", in its day and its key too', async () => {
    const accountId = newAccountId();
    const keyId = newKeyId();
    const failed = record(accountId, keyId, { modelUsed: null, provider: null, promptTokens: 0, completionTokens: 0, totalTokens: 0, costNanoUsd: 0, status: 'upstream_error' });
    await run(sourced([record(accountId, keyId), failed]));
    const [day] = await db.store.usage.aggregates(accountId, 'account', '2026-01-15', '2026-01-15');
    expect(day?.totals).toEqual({ requests: 2, cacheReadTokens: 0, promptTokens: 10, completionTokens: 20, totalTokens: 30, costNanoUsd: 180_000 });
    const models = await db.store.usage.aggregates(accountId, 'model', '2026-01-15', '2026-01-15');
    expect(models.map((m) => [m.model, m.totals.requests])).toEqual([
      ['(none)', 1],
      ['gpt-4.1', 1],
    ]);
    const [key] = await db.store.usage.aggregates(accountId, 'key', '2026-01-15', '2026-01-15');
    expect([key?.keyId, key?.totals.requests]).toEqual([keyId, 2]);
  });
});
