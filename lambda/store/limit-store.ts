// Rate-limit counters and concurrency leases in the counters table. Every write is one UpdateItem on one
// item, conditional where it admits; nothing is read and then written back.
//
// Item layout (invariants), two items per key that admission touches:
// - pk "LIMITS#<keyId>", sk "MIN#<minute>": `r` requests admitted in that minute, `t` tokens charged in it
//   (reservations included until settled), each present only when its limit is set; `ttl` (epoch s) lets
//   DynamoDB drop the item after its window. One conditional update checks and adds both, so a request
//   is counted in both or in neither.
// - pk "LIMITS#<keyId>", sk "KEY": one attribute "lease_<requestId>" per running request, holding the lease's
//   expiry (epoch ms), and `active`, the number of lease attributes; "month_<YYYY-MM>", the tokens charged
//   in that calendar month. Every update that adds or removes a lease attribute changes `active` in the same
//   UpdateItem, so `active` always equals the number of leases held. Taking a lease is conditional on
//   active < limit, adding month tokens on the month's room, both in one update. Admission drops the month
//   two before the current in passing, so the item holds at most three months and the running leases. `ttl`
//   is pushed past the end of the month (and past the last lease) by every admission.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, type BatchGetCommandInput, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChargeResult, CounterValues, KeyCharge, KeySettlement, LimitStore, MinuteAdjustment, MinuteCharge } from '../core/limits/port';
import { marshall, numbersOf, type DynamoHttp } from './dynamo-http';
import { CountedStore, type RequestCounter } from './request-counter';

const pk = (keyId: string) => `LIMITS#${keyId}`;
const minuteSk = (window: string) => `MIN#${window}`;
const KEY_SK = 'KEY';
const LEASE_PREFIX = 'lease_';
const monthAttr = (window: string) => `month_${window}`;

const ttl = (epochMs: number) => Math.ceil(epochMs / 1000);
const refused = (err: unknown) => err instanceof ConditionalCheckFailedException;

/** Builds an update expression's names and values as clauses are added. */
class Expr {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, number> = {};
  readonly set: string[] = [];
  readonly add: string[] = [];
  readonly remove: string[] = [];
  readonly conditions: string[] = [];

  name(placeholder: string, attribute: string): string {
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(placeholder: string, value: number): string {
    this.values[placeholder] = value;
    return placeholder;
  }

  get update(): string {
    return [
      this.set.length ? `SET ${this.set.join(', ')}` : '',
      this.add.length ? `ADD ${this.add.join(', ')}` : '',
      this.remove.length ? `REMOVE ${this.remove.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  get condition(): { ConditionExpression?: string } {
    return this.conditions.length ? { ConditionExpression: this.conditions.join(' AND ') } : {};
  }
}

export class DynamoLimitStore extends CountedStore implements LimitStore {
  constructor(doc: DynamoDBDocumentClient, http: DynamoHttp, table: string, counter: RequestCounter) {
    super(doc, http, table, counter, 'limits');
  }

  /** One UpdateItem; undefined when its condition refused it, else the updated numbers (when asked for). */
  private async update(label: string, key: { keyId: string; sk: string }, e: Expr, returnValues = false): Promise<Record<string, number> | undefined> {
    this.counter.count(`limits.${label}`);
    const values = Object.entries(e.values);
    try {
      const out = await this.http.send<{ Attributes?: Record<string, Record<string, unknown>> }>('UpdateItem', {
        TableName: this.table,
        Key: { pk: marshall(pk(key.keyId)), sk: marshall(key.sk) },
        UpdateExpression: e.update,
        ...e.condition,
        ExpressionAttributeNames: e.names,
        ...(values.length ? { ExpressionAttributeValues: Object.fromEntries(values.map(([k, v]) => [k, marshall(v)])) } : {}),
        ...(returnValues ? { ReturnValues: 'UPDATED_NEW' } : {}),
      });
      return numbersOf(out.Attributes);
    } catch (err) {
      if (refused(err)) return undefined;
      throw err;
    }
  }

  async chargeMinute(keyId: string, charge: MinuteCharge): Promise<ChargeResult<{ requests: number; tokens: number }>> {
    const e = new Expr();
    e.set.push(`${e.name('#ttl', 'ttl')} = ${e.value(':ttl', ttl(charge.expiresAt))}`);
    for (const [attr, c] of [['r', charge.requests], ['t', charge.tokens]] as const) {
      if (!c) continue;
      const n = e.name(`#${attr}`, attr);
      e.add.push(`${n} ${e.value(`:${attr}`, c.amount)}`);
      e.conditions.push(`(attribute_not_exists(${n}) OR ${n} <= ${e.value(`:${attr}max`, c.ceiling)})`);
    }
    const out = await this.update('admit', { keyId, sk: minuteSk(charge.window) }, e, true);
    return out ? { ok: true, values: { requests: out.r ?? 0, tokens: out.t ?? 0 } } : { ok: false };
  }

  async chargeKey(keyId: string, charge: KeyCharge): Promise<ChargeResult<{ active: number; tokensMonth: number }>> {
    const e = new Expr();
    e.set.push(`${e.name('#ttl', 'ttl')} = ${e.value(':ttl', ttl(charge.expiresAt))}`);
    if (charge.lease) {
      e.set.push(`${e.name('#lease', LEASE_PREFIX + charge.lease.id)} = ${e.value(':expires', charge.lease.expiresAt)}`);
      e.add.push(`active ${e.value(':one', 1)}`);
      e.conditions.push(`(attribute_not_exists(active) OR active < ${e.value(':limit', charge.lease.limit)})`);
    }
    const month = charge.month ? e.name('#month', monthAttr(charge.month.window)) : undefined;
    if (charge.month && month) {
      e.add.push(`${month} ${e.value(':tokens', charge.month.amount)}`);
      e.conditions.push(`(attribute_not_exists(${month}) OR ${month} <= ${e.value(':monthmax', charge.month.ceiling)})`);
    }
    e.remove.push(e.name('#stale', monthAttr(charge.staleMonth)));
    const out = await this.update('admit', { keyId, sk: KEY_SK }, e, true);
    if (!out) return { ok: false };
    return { ok: true, values: { active: out.active ?? 0, tokensMonth: charge.month ? (out[monthAttr(charge.month.window)] ?? 0) : 0 } };
  }

  async adjustMinute(keyId: string, adjustment: MinuteAdjustment): Promise<void> {
    const e = new Expr();
    e.set.push(`${e.name('#ttl', 'ttl')} = ${e.value(':ttl', ttl(adjustment.expiresAt))}`);
    if (adjustment.requests) e.add.push(`${e.name('#r', 'r')} ${e.value(':r', adjustment.requests)}`);
    if (adjustment.tokens) e.add.push(`${e.name('#t', 't')} ${e.value(':t', adjustment.tokens)}`);
    if (e.add.length) await this.update('adjust', { keyId, sk: minuteSk(adjustment.window) }, e);
  }

  async settleKey(keyId: string, settlement: KeySettlement): Promise<boolean> {
    const { leaseId, month } = settlement;
    const addMonth = (e: Expr, m: { window: string; amount: number }) =>
      e.add.push(`${e.name('#month', monthAttr(m.window))} ${e.value(':tokens', m.amount)}`);
    if (leaseId) {
      const e = new Expr();
      e.remove.push(e.name('#lease', LEASE_PREFIX + leaseId));
      e.add.push(`active ${e.value(':minus', -1)}`);
      if (month) addMonth(e, month);
      // Releasing twice (or after the lease was reclaimed) must not free someone else's slot.
      e.conditions.push('attribute_exists(#lease)');
      if (await this.update('release', { keyId, sk: KEY_SK }, e)) return true;
    }
    // No lease, or it is not held any more: the tokens still move.
    if (month) {
      const e = new Expr();
      addMonth(e, month);
      await this.update('adjust', { keyId, sk: KEY_SK }, e);
    }
    return !leaseId;
  }

  releaseLease(keyId: string, leaseId: string): Promise<boolean> {
    return this.settleKey(keyId, { leaseId });
  }

  async renewLease(keyId: string, leaseId: string, expiresAt: number): Promise<boolean> {
    const e = new Expr();
    e.set.push(`${e.name('#lease', LEASE_PREFIX + leaseId)} = ${e.value(':expires', expiresAt)}`);
    e.conditions.push('attribute_exists(#lease)');
    return (await this.update('renew', { keyId, sk: KEY_SK }, e)) !== undefined;
  }

  /**
   * Frees every lease that expired before `now` in one conditional update (each lease must still hold the
   * expiry that was read, so one renewed meanwhile is kept). `freed` when expired leases were found: freed
   * here, or by a concurrent caller whose update made this one's condition fail.
   */
  async reclaimExpiredLeases(keyId: string, now: number, month: string): Promise<{ freed: boolean; active: number; tokensMonth: number }> {
    const { Item } = await this.client('reclaim').send(
      new GetCommand({ TableName: this.table, Key: { pk: pk(keyId), sk: KEY_SK }, ConsistentRead: true }),
    );
    const read = { active: Number(Item?.active ?? 0), tokensMonth: Number(Item?.[monthAttr(month)] ?? 0) };
    const expired = Object.entries(Item ?? {}).filter(
      (entry): entry is [string, number] => entry[0].startsWith(LEASE_PREFIX) && typeof entry[1] === 'number' && entry[1] < now,
    );
    if (expired.length === 0) return { freed: false, ...read };
    const e = new Expr();
    e.add.push(`active ${e.value(':freed', -expired.length)}`);
    expired.forEach(([name, expiry], i) => {
      e.remove.push(e.name(`#l${i}`, name));
      e.conditions.push(`#l${i} = ${e.value(`:e${i}`, expiry)}`);
    });
    await this.update('reclaim', { keyId, sk: KEY_SK }, e);
    return { freed: true, ...read };
  }

  async read(keyId: string, windows: { minute: string; month: string }): Promise<CounterValues> {
    const minute = minuteSk(windows.minute);
    const month = monthAttr(windows.month);
    let request: BatchGetCommandInput['RequestItems'] = {
      [this.table]: {
        Keys: [minute, KEY_SK].map((sk) => ({ pk: pk(keyId), sk })),
        ConsistentRead: true,
        ProjectionExpression: 'sk, #r, #t, active, #month',
        ExpressionAttributeNames: { '#r': 'r', '#t': 't', '#month': month },
      },
    };
    const found = new Map<string, Record<string, unknown>>();
    // BatchGet may leave keys unprocessed under load; two keys settle within a few rounds.
    for (let round = 0; request && Object.keys(request).length > 0 && round < 5; round++) {
      const out: BatchGetCommandOutput = await this.client('read').send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[this.table] ?? []) found.set(String(item.sk), item);
      request = out.UnprocessedKeys;
    }
    const num = (sk: string, attr: string) => Number(found.get(sk)?.[attr] ?? 0);
    return {
      requestsMinute: num(minute, 'r'),
      tokensMinute: num(minute, 't'),
      tokensMonth: num(KEY_SK, month),
      active: num(KEY_SK, 'active'),
    };
  }
}
