// The usage aggregator's logic: a batch of records from the counters table's stream becomes record chunks
// (one per account and day) and additions to the daily aggregates (per account, per key), batched, so a
// busy account costs a few writes per batch instead of several per request. Idempotent under redelivery:
// chunks are rewritten to the same content (and records read back once per request id), and an aggregate
// takes a record only if its position is past the one the item last took from the record's source.
import { refKey, type AggregateAddition, type AggregateRef, type Sourced, type UsageStore } from './port';
import { ZERO_TOTALS, addTotals, totalsOf, type UsageRecord, type UsageTotals } from './record';


export interface AggregationResult {
  records: number;
  chunks: number;
  /** Aggregate items written (items with nothing new are skipped). */
  additions: number;
}

const dayOf = (r: UsageRecord) => r.startedAt.slice(0, 10);

export async function aggregate(store: UsageStore, batch: readonly Sourced[], retentionMs: number, now: number): Promise<AggregationResult> {
  // The same record twice in one batch (a redelivery overlapping it) counts once.
  const unique = new Map<string, Sourced>();
  for (const s of batch) unique.set(`${s.source}@${s.position}`, s);
  const items = [...unique.values()].sort((a, b) => (a.source === b.source ? a.position - b.position : a.source < b.source ? -1 : 1));

  const chunks = new Map<string, Sourced[]>();
  for (const s of items) {
    const key = `${s.record.accountId}|${dayOf(s.record)}`;
    chunks.set(key, [...(chunks.get(key) ?? []), s]);
  }
  for (const group of chunks.values()) {
    const first = group[0]!;
    await store.putRecords(first.record.accountId, dayOf(first.record), `${first.source}@${first.position}`, group.map((s) => s.record), now + retentionMs);
  }

  const perRef = new Map<string, { ref: AggregateRef; entries: Sourced[] }>();
  for (const s of items) {
    const day = dayOf(s.record);
    for (const ref of [{ accountId: s.record.accountId, day }, { accountId: s.record.accountId, day, keyId: s.record.keyId }]) {
      const k = refKey(ref);
      const slot = perRef.get(k) ?? { ref, entries: [] };
      slot.entries.push(s);
      perRef.set(k, slot);
    }
  }
  const applied = await store.appliedPositions([...perRef.values()].map((v) => v.ref));
  let additions = 0;
  for (const [k, { ref, entries }] of perRef) {
    const seen = applied.get(k) ?? new Map<string, number>();
    const fresh = entries.filter((s) => s.position > (seen.get(s.source) ?? 0));
    if (!fresh.length) continue;
    const byModel = new Map<string, UsageTotals>();
    const positions = new Map<string, { from?: number; to: number }>();
    for (const s of fresh) {
      // Requests no model served (every route failed) are still requests: they group under "(none)".
      const model = s.record.modelUsed ?? '(none)';
      byModel.set(model, addTotals(byModel.get(model) ?? ZERO_TOTALS, totalsOf(s.record)));
      const from = seen.get(s.source);
      positions.set(s.source, { ...(from !== undefined ? { from } : {}), to: Math.max(positions.get(s.source)?.to ?? 0, s.position) });
    }
    const addition: AggregateAddition = { ref, byModel, positions };
    if (!(await store.addToAggregate(addition))) {
      throw new Error(`the aggregate ${k} moved while this batch was applied; the batch is retried`);
    }
    additions++;
  }
  return { records: items.length, chunks: chunks.size, additions };
}
