// Rate-limit counters and concurrency leases in the counters table. Every write is one conditional
// UpdateItem, atomic on its own item; nothing is read and then written back.
//
// Item layout (invariants):
// - pk "LIMITS#<keyId>", sk "RPM#<minute>" | "TPM#<minute>" | "TPMO#<YYYY-MM>": attribute `n` is the count
//   of requests / tokens charged in that window (reservations included until settled); `ttl` (epoch s)
//   lets DynamoDB drop the item after its window.
// - pk "LIMITS#<keyId>", sk "LEASES": one attribute "lease_<requestId>" per running request, holding the
//   lease's expiry (epoch ms), and `active`, the number of lease attributes. Every update that adds or
//   removes a lease attribute changes `active` in the same UpdateItem, so `active` always equals the number
//   of leases held. Acquiring is conditional on active < limit.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, UpdateCommand, type BatchGetCommandInput, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AddResult, CounterAdd, CounterKind, CounterValues, LimitStore } from '../core/limits/port';
import type { RequestCounter } from './request-counter';

const pk = (keyId: string) => `LIMITS#${keyId}`;
const PREFIX: Readonly<Record<CounterKind, string>> = { 'requests-minute': 'RPM', 'tokens-minute': 'TPM', 'tokens-month': 'TPMO' };
const counterSk = (kind: CounterKind, window: string) => `${PREFIX[kind]}#${window}`;
const LEASES = 'LEASES';
const LEASE_PREFIX = 'lease_';
/** The leases item outlives the last acquisition by a day: longer than any request can run. */
const LEASES_TTL_S = 86_400;

const ttl = (epochMs: number) => Math.ceil(epochMs / 1000);
const refused = (err: unknown) => err instanceof ConditionalCheckFailedException;

export class DynamoLimitStore implements LimitStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly counter: RequestCounter,
  ) {}

  /** The client, with the request about to be sent counted under `label`. */
  private client(label: string): DynamoDBDocumentClient {
    this.counter.count(`limits.${label}`);
    return this.doc;
  }

  async add(keyId: string, op: CounterAdd): Promise<AddResult> {
    const conditional = op.ceiling !== undefined;
    try {
      const out = await this.client(conditional ? 'admit' : 'adjust').send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: pk(keyId), sk: counterSk(op.kind, op.window) },
          UpdateExpression: 'ADD n :amount SET #ttl = :ttl',
          ...(conditional ? { ConditionExpression: 'attribute_not_exists(n) OR n <= :ceiling' } : {}),
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':amount': op.amount, ':ttl': ttl(op.expiresAt), ...(conditional ? { ':ceiling': op.ceiling } : {}) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { ok: true, value: Number(out.Attributes?.n ?? 0) };
    } catch (err) {
      if (refused(err)) return { ok: false };
      throw err;
    }
  }

  async acquireLease(keyId: string, leaseId: string, expiresAt: number, limit: number): Promise<{ ok: true; active: number } | { ok: false }> {
    try {
      const out = await this.client('admit').send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: pk(keyId), sk: LEASES },
          UpdateExpression: 'SET #lease = :expires, #ttl = :ttl ADD active :one',
          ConditionExpression: 'attribute_not_exists(active) OR active < :limit',
          ExpressionAttributeNames: { '#lease': LEASE_PREFIX + leaseId, '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':expires': expiresAt, ':ttl': ttl(expiresAt) + LEASES_TTL_S, ':one': 1, ':limit': limit },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { ok: true, active: Number(out.Attributes?.active ?? 0) };
    } catch (err) {
      if (refused(err)) return { ok: false };
      throw err;
    }
  }

  async renewLease(keyId: string, leaseId: string, expiresAt: number): Promise<boolean> {
    try {
      await this.client('renew').send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: pk(keyId), sk: LEASES },
          UpdateExpression: 'SET #lease = :expires',
          ConditionExpression: 'attribute_exists(#lease)',
          ExpressionAttributeNames: { '#lease': LEASE_PREFIX + leaseId },
          ExpressionAttributeValues: { ':expires': expiresAt },
        }),
      );
      return true;
    } catch (err) {
      if (refused(err)) return false;
      throw err;
    }
  }

  async releaseLease(keyId: string, leaseId: string): Promise<boolean> {
    try {
      await this.client('release').send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: pk(keyId), sk: LEASES },
          UpdateExpression: 'REMOVE #lease ADD active :minus',
          // Releasing twice (or after the lease was reclaimed) must not free someone else's slot.
          ConditionExpression: 'attribute_exists(#lease)',
          ExpressionAttributeNames: { '#lease': LEASE_PREFIX + leaseId },
          ExpressionAttributeValues: { ':minus': -1 },
        }),
      );
      return true;
    } catch (err) {
      if (refused(err)) return false;
      throw err;
    }
  }

  /**
   * Frees every lease that expired before `now` in one conditional update (each lease must still hold the
   * expiry that was read, so one renewed meanwhile is kept). True when expired leases were found: freed
   * here, or by a concurrent caller whose update made this one's condition fail.
   */
  async reclaimExpiredLeases(keyId: string, now: number): Promise<boolean> {
    const { Item } = await this.client('reclaim').send(
      new GetCommand({ TableName: this.table, Key: { pk: pk(keyId), sk: LEASES }, ConsistentRead: true }),
    );
    const expired = Object.entries(Item ?? {}).filter(
      (e): e is [string, number] => e[0].startsWith(LEASE_PREFIX) && typeof e[1] === 'number' && e[1] < now,
    );
    if (expired.length === 0) return false;
    const names: Record<string, string> = {};
    const values: Record<string, number> = { ':freed': -expired.length };
    expired.forEach(([name, expiry], i) => {
      names[`#l${i}`] = name;
      values[`:e${i}`] = expiry;
    });
    try {
      await this.client('reclaim').send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: pk(keyId), sk: LEASES },
          UpdateExpression: `REMOVE ${expired.map((_, i) => `#l${i}`).join(', ')} ADD active :freed`,
          ConditionExpression: expired.map((_, i) => `#l${i} = :e${i}`).join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if (!refused(err)) throw err;
    }
    return true;
  }

  async read(keyId: string, windows: { minute: string; month: string }): Promise<CounterValues> {
    const keys = [counterSk('requests-minute', windows.minute), counterSk('tokens-minute', windows.minute), counterSk('tokens-month', windows.month), LEASES];
    let request: BatchGetCommandInput['RequestItems'] = {
      [this.table]: { Keys: keys.map((sk) => ({ pk: pk(keyId), sk })), ConsistentRead: true, ProjectionExpression: 'sk, n, active' },
    };
    const found = new Map<string, Record<string, unknown>>();
    // BatchGet may leave keys unprocessed under load; four keys settle within a few rounds.
    for (let round = 0; request && Object.keys(request).length > 0 && round < 5; round++) {
      const out: BatchGetCommandOutput = await this.client('read').send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[this.table] ?? []) found.set(String(item.sk), item);
      request = out.UnprocessedKeys;
    }
    const num = (sk: string, attr: string) => Number(found.get(sk)?.[attr] ?? 0);
    return {
      requestsMinute: num(keys[0]!, 'n'),
      tokensMinute: num(keys[1]!, 'n'),
      tokensMonth: num(keys[2]!, 'n'),
      active: num(LEASES, 'active'),
    };
  }
}
