// Usage records and aggregates against dynalite: a record is written once per request id, only its
// writer adds it to the aggregates, and aggregates are queried by day, model and key.
import { describe, expect, it } from 'vitest';
import { newAccountId, newKeyId } from '../../lambda/core/ids';
import { writeUsage } from '../../lambda/core/usage/ledger';
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
const FAR = Date.UTC(2026, 6, 1);

describe('usage ledger', () => {
  it('writes a record once: a repeated settlement adds nothing to the aggregates', async () => {
    const accountId = newAccountId();
    const r = record(accountId, newKeyId());
    expect(await writeUsage(db.store.usage, r, FAR, 'writer-a')).toBe('written');
    expect(await writeUsage(db.store.usage, r, FAR, 'writer-b')).toBe('duplicate');
    expect(await db.store.usage.records(accountId, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')).toEqual([r]);
    const [day] = await db.store.usage.aggregates(accountId, 'account', '2026-01-15', '2026-01-15');
    expect(day?.totals).toEqual({ requests: 1, cacheReadTokens: 0, promptTokens: 10, completionTokens: 20, totalTokens: 30, costNanoUsd: 180_000 });
  });

  it('recognises its own earlier write when an answer was lost, so it still aggregates', async () => {
    const r = record(newAccountId(), newKeyId());
    expect(await db.store.usage.putRecord(r, FAR, 'writer-a')).toBe(true);
    expect(await db.store.usage.putRecord(r, FAR, 'writer-a')).toBe(true);
    expect(await db.store.usage.putRecord(r, FAR, 'writer-b')).toBe(false);
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
    for (const r of records) await writeUsage(db.store.usage, r, FAR, 'w');
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
  });

  it('counts a request no model served under "(none)", in its day and its key too', async () => {
    const accountId = newAccountId();
    const keyId = newKeyId();
    const failed = record(accountId, keyId, { modelUsed: null, provider: null, promptTokens: 0, completionTokens: 0, totalTokens: 0, costNanoUsd: 0, status: 'upstream_error' });
    for (const r of [record(accountId, keyId), failed]) await writeUsage(db.store.usage, r, FAR, 'w');
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
