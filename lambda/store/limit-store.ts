// Rate-limit counters and concurrency leases in the counters table: one constant-size item per key shard
// (layout and invariants in counter-item.ts). Every operation is one conditional UpdateItem, planned from
// the item as this instance last saw it; a refused condition is either a limit without room or a plan made
// from an out-of-date view, and the item as it is now (returned with the refusal, or read) tells which.
// Planned again from that view, the write goes through on the next try unless another instance keeps
// changing the same slots at that moment, which a few tries outlast.
import { ConditionalCheckFailedException } from './dynamo-http';
import type { DocClient } from './document';
import type { CounterValues, Current, LimitStore, Settled, ShardAdmission, ShardCharge, ShardRef, ShardSettlement } from '../core/limits/port';
import { admitUpdate, imageOf, refusal, renewUpdate, settleUpdate, valuesOf, type Expr, type Image } from './counter-item';
import { marshall, type DynamoHttp, type RefusedCondition } from './dynamo-http';
import { CountedStore, type RequestCounter } from './request-counter';

// Each shard has a partition key of its own: DynamoDB's 1,000 write units per second hold per partition key.
const pk = (ref: ShardRef) => (ref.shard === 0 ? `LIMITS#${ref.keyId}` : `LIMITS#${ref.keyId}#${ref.shard}`);
const sk = (_ref: ShardRef) => 'KEY';
const cacheKey = (ref: ShardRef) => `${ref.keyId}#${ref.shard}`;

/** Tries of one operation before giving up on a slot that keeps changing under it. */
const TRIES = 5;
/** Items remembered per instance: a slot layout is small, and a miss only costs one refused write. */
const CACHE_SIZE = 2_000;

type Raw = Record<string, Record<string, unknown>>;

/** The write units a refused write was charged: one per KB of the item, at least one. */
const unitsOfItem = (raw: Raw | undefined) => Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(raw ?? {})) / 1024));

export class DynamoLimitStore extends CountedStore implements LimitStore {
  private readonly seen = new Map<string, Image>();

  constructor(doc: DocClient, http: DynamoHttp, table: string, counter: RequestCounter) {
    super(doc, http, table, counter, 'limits');
  }

  private remember(ref: ShardRef, raw: Raw | undefined): Image {
    const image = imageOf(raw);
    const key = cacheKey(ref);
    this.seen.delete(key);
    this.seen.set(key, image);
    if (this.seen.size > CACHE_SIZE) this.seen.delete(this.seen.keys().next().value as string);
    return image;
  }

  /** One conditional update; the new item when it landed, or the item as it is when it was refused. */
  private async update(label: string, ref: ShardRef, e: Expr): Promise<{ ok: boolean; image: Image }> {
    this.counter.count(`limits.${label}`);
    try {
      const out = await this.http.send<{ Attributes?: Raw }>('UpdateItem', {
        TableName: this.table,
        Key: { pk: marshall(pk(ref)), sk: marshall(sk(ref)) },
        ...e.input(),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      return { ok: true, image: this.remember(ref, out.Attributes) };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const raw = (err as RefusedCondition).item ?? (await this.getRaw(ref));
      // DynamoDB does not report the units of a refused write; it charges them by the item's size.
      this.counter.add('wcu.dynamodb.UpdateItem', unitsOfItem(raw));
      return { ok: false, image: this.remember(ref, raw) };
    }
  }

  private async getRaw(ref: ShardRef): Promise<Raw | undefined> {
    this.counter.count('limits.read');
    const out = await this.http.send<{ Item?: Raw }>('GetItem', {
      TableName: this.table,
      Key: { pk: marshall(pk(ref)), sk: marshall(sk(ref)) },
      ConsistentRead: true,
    });
    return out.Item;
  }

  async admit(ref: ShardRef, charge: ShardCharge, now: Current): Promise<ShardAdmission> {
    let image = this.seen.get(cacheKey(ref));
    for (let i = 0; i < TRIES; i++) {
      const out = await this.update('admit', ref, admitUpdate(image, charge, now));
      if (out.ok) return { ok: true, values: valuesOf(out.image, now) };
      image = out.image;
      const limit = refusal(image, charge, now);
      if (limit) return { ok: false, refused: limit, values: valuesOf(image, now) };
    }
    throw new Error(`the counters of ${ref.keyId} kept changing: no admission after ${TRIES} tries`);
  }

  async settle(ref: ShardRef, settlement: ShardSettlement): Promise<Settled> {
    // Planned without a view first (every part conditional on still applying, which it nearly always
    // does), then from the item as the refusal showed it.
    let view: Image | undefined;
    for (let i = 0; i < TRIES; i++) {
      const { expr, leaseHeld } = settleUpdate(view, settlement);
      const out = await this.update('settle', ref, expr);
      if (out.ok) {
        const b = settlement.budget && out.image.budgets[settlement.budget.slot];
        return { leaseHeld, ...(b && b.window === settlement.budget?.tag ? { budgetSettled: b.settled } : {}) };
      }
      view = out.image;
    }
    throw new Error(`the counters of ${ref.keyId} kept changing: no settlement after ${TRIES} tries`);
  }

  async renew(ref: ShardRef, from: number, now: Current): Promise<boolean> {
    if (from === now.epoch) return true;
    let image = this.seen.get(cacheKey(ref));
    for (let i = 0; i < TRIES; i++) {
      const expr = renewUpdate(image, from, now);
      if (!expr) return false;
      const out = await this.update('renew', ref, expr);
      if (out.ok) return true;
      image = out.image;
    }
    return false;
  }

  async read(ref: ShardRef, now: Current): Promise<CounterValues> {
    return valuesOf(this.remember(ref, await this.getRaw(ref)), now);
  }
}

/**
 * The Lambda event filter of the usage stream: only images a settlement wrote carry a record (`u`), so the
 * aggregator is invoked for nothing else. The stack and the local event source both use this one pattern.
 */
export const RECORD_FILTER = { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { u: { S: [{ exists: true }] } } } } as const;

/** The usage record a stream image of a counter item carries, with its source and position, if it has one. */
export function streamedRecord(image: Raw | undefined): { text: string; source: string; position: number } | undefined {
  const text = image?.u?.S;
  const pkValue = image?.pk?.S;
  if (typeof text !== 'string' || typeof pkValue !== 'string' || !pkValue.startsWith('LIMITS#')) return undefined;
  const [keyId, shard = '0'] = pkValue.slice('LIMITS#'.length).split('#');
  return { text, source: `${keyId}#${shard}`, position: Number(image?.n?.N ?? 0) };
}
