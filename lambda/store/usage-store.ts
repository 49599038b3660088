// Usage records and daily aggregates in the usage table, written by the usage aggregator in batches.
//
// Item layout (invariants), under one partition per account (the aggregator writes a few items per batch,
// so even a busy account puts little load on it):
// - Records: sk "REC#<day>#<chunkId>", one chunk per account, day and aggregator batch: `r`, the day's
//   records of that batch as gzip'd JSON; `ttl` (OP_USAGE_RETENTION_DAYS). A chunk id names its first record
//   (source and position), so a redelivered batch rewrites the same chunk; a redelivery that starts
//   elsewhere may repeat a record in a second chunk, and reads keep one record per request id.
// - Aggregates, per UTC day, each one UpdateItem of ADDs per batch, no TTL:
//     sk "AGG#DAY#<day>"                 the account's day
//     sk "AGG#KEY-DAY#<day>#<keyId>"     one key's day
//   Per model that served ("(none)" when none did), six counters named "<total>#<model>": n (requests),
//   p (prompt tokens), c (completion tokens), t (total tokens), k (cached prompt tokens), usd (cost, nano-USD).
//   Per source counter item (key shard) that contributed, "pos#<keyId>#<shard>": the position of the last
//   record taken from it; an addition is conditional on the positions it read, so nothing is added twice.
//   Size bound: one group per catalog model plus "(none)" (about 30 bytes per counter) and one position per
//   key shard of the account that day.
import { gunzipSync, gzipSync } from 'node:zlib';
import { BatchGetCommand, PutCommand, type BatchGetInput, type BatchGetOutput, QueryCommand, UpdateCommand, type DocClient } from './document';
import { ConditionalCheckFailedException } from './dynamo-http';
import { refKey, type AggregateAddition, type AggregateDimension, type AggregateRef, type AggregateRow, type UsageStore } from '../core/usage/port';
import { ZERO_TOTALS, addTotals, type UsageRecord, type UsageTotals } from '../core/usage/record';
import type { RequestCounter } from './request-counter';

type Item = Record<string, unknown>;

const accountPk = (accountId: string) => `ACCOUNT#${accountId}`;
const DAY_PREFIX = 'AGG#DAY#';
const KEY_DAY_PREFIX = 'AGG#KEY-DAY#';
const RECORD_PREFIX = 'REC#';
const POSITION_PREFIX = 'pos#';
const aggregateSk = (ref: AggregateRef) => (ref.keyId ? `${KEY_DAY_PREFIX}${ref.day}#${ref.keyId}` : `${DAY_PREFIX}${ref.day}`);
/** Attribute code of each total; an aggregate attribute is "<code>#<model>". */
const CODES: Readonly<Record<keyof UsageTotals, string>> = { requests: 'n', promptTokens: 'p', completionTokens: 'c', totalTokens: 't', cacheReadTokens: 'k', costNanoUsd: 'usd' };
const TOTALS = Object.keys(CODES) as Array<keyof UsageTotals>;
const TOTAL_OF_CODE = new Map(TOTALS.map((total) => [CODES[total], total]));
/** Records start at most this long before their batch is written (a request's longest run, with margin). */
const LONGEST_REQUEST_MS = 30 * 60_000;
/** BatchGetItem takes at most this many keys per call. */
const BATCH_GET_MAX = 100;

/** The per-model totals an aggregate item holds, by model, models in name order. */
function modelTotals(item: Item): Array<[string, UsageTotals]> {
  const models = new Map<string, UsageTotals>();
  for (const [name, value] of Object.entries(item)) {
    const cut = name.indexOf('#');
    const total = cut > 0 ? TOTAL_OF_CODE.get(name.slice(0, cut)) : undefined;
    if (!total) continue;
    const model = name.slice(cut + 1);
    const totals = models.get(model) ?? { ...ZERO_TOTALS };
    totals[total] = Number(value);
    models.set(model, totals);
  }
  return [...models.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export class DynamoUsageStore implements UsageStore {
  constructor(
    private readonly doc: DocClient,
    private readonly table: string,
    private readonly counter: RequestCounter,
  ) {}

  private client(label: string): DocClient {
    this.counter.count(`usage.${label}`);
    return this.doc;
  }

  async appliedPositions(refs: readonly AggregateRef[]): Promise<Map<string, Map<string, number>>> {
    const out = new Map<string, Map<string, number>>();
    for (let i = 0; i < refs.length; i += BATCH_GET_MAX) {
      let request: BatchGetInput['RequestItems'] | undefined = {
        [this.table]: { Keys: refs.slice(i, i + BATCH_GET_MAX).map((ref) => ({ pk: accountPk(ref.accountId), sk: aggregateSk(ref) })), ConsistentRead: true },
      };
      for (let round = 0; request && Object.keys(request).length && round < 8; round++) {
        const page: BatchGetOutput = await this.client('positions').send(new BatchGetCommand({ RequestItems: request! }));
        for (const item of (page.Responses?.[this.table] ?? []) as Item[]) {
          const ref = refOf(item);
          const positions = new Map<string, number>();
          for (const [name, value] of Object.entries(item)) if (name.startsWith(POSITION_PREFIX)) positions.set(name.slice(POSITION_PREFIX.length), Number(value));
          out.set(refKey(ref), positions);
        }
        request = page.UnprocessedKeys && Object.keys(page.UnprocessedKeys).length ? page.UnprocessedKeys : undefined;
        if (request) await new Promise((r) => setTimeout(r, 20 * 2 ** round));
      }
      if (request) throw new Error('DynamoDB left aggregate positions unread');
    }
    return out;
  }

  async addToAggregate(a: AggregateAddition): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const adds: string[] = [];
    const sets: string[] = [];
    const conditions: string[] = [];
    let i = 0;
    for (const [model, totals] of a.byModel) {
      for (const total of TOTALS) {
        names[`#a${i}`] = `${CODES[total]}#${model}`;
        values[`:a${i}`] = totals[total];
        adds.push(`#a${i} :a${i}`);
        i++;
      }
    }
    let j = 0;
    for (const [source, { from, to }] of a.positions) {
      names[`#p${j}`] = `${POSITION_PREFIX}${source}`;
      values[`:p${j}`] = to;
      sets.push(`#p${j} = :p${j}`);
      if (from === undefined) conditions.push(`attribute_not_exists(#p${j})`);
      else {
        values[`:q${j}`] = from;
        conditions.push(`#p${j} = :q${j}`);
      }
      j++;
    }
    try {
      await this.client('aggregate').send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: accountPk(a.ref.accountId), sk: aggregateSk(a.ref) },
          UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async putRecords(accountId: string, day: string, chunkId: string, records: readonly UsageRecord[], expiresAt: number): Promise<void> {
    await this.client('records').send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: accountPk(accountId), sk: `${RECORD_PREFIX}${day}#${chunkId}`, r: gzipSync(JSON.stringify(records)), ttl: Math.ceil(expiresAt / 1000) },
      }),
    );
  }

  async aggregates(accountId: string, dimension: AggregateDimension, fromDay: string, toDay: string): Promise<AggregateRow[]> {
    const perKey = dimension === 'key' || dimension === 'key-model';
    const prefix = perKey ? KEY_DAY_PREFIX : DAY_PREFIX;
    // Days sort as strings; "~" sorts after every id character, so the last day's items are included.
    const items = await this.query(accountId, `${prefix}${fromDay}`, `${prefix}${toDay}~`);
    return items.flatMap((item): AggregateRow[] => {
      const ref = refOf(item);
      const key = perKey ? { keyId: ref.keyId } : {};
      const models = modelTotals(item);
      if (dimension === 'account' || dimension === 'key') {
        return [{ day: ref.day, ...key, totals: models.reduce((sum, [, t]) => addTotals(sum, t), ZERO_TOTALS) }];
      }
      return models.map(([model, totals]) => ({ day: ref.day, ...key, model, totals }));
    });
  }

  async records(accountId: string, fromIso: string, toIso: string): Promise<UsageRecord[]> {
    const fromDay = new Date(Math.max(0, Date.parse(fromIso) - LONGEST_REQUEST_MS)).toISOString().slice(0, 10);
    const items = await this.query(accountId, `${RECORD_PREFIX}${fromDay}`, `${RECORD_PREFIX}${toIso.slice(0, 10)}~`);
    const byRequest = new Map<string, UsageRecord>();
    for (const item of items) {
      const chunk = JSON.parse(gunzipSync(item.r as Uint8Array).toString('utf8')) as UsageRecord[];
      for (const r of chunk) if (r.startedAt >= fromIso && r.startedAt < toIso) byRequest.set(r.requestId, r);
    }
    return [...byRequest.values()].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
  }

  private async query(accountId: string, from: string, to: string): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const page: { Items?: Item[]; LastEvaluatedKey?: Item } = await this.client('query').send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': accountPk(accountId), ':from': from, ':to': to },
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

/** The aggregate item an item's keys name. */
function refOf(item: Item): AggregateRef {
  const accountId = String(item.pk).slice('ACCOUNT#'.length);
  const sk = String(item.sk);
  if (sk.startsWith(KEY_DAY_PREFIX)) {
    const rest = sk.slice(KEY_DAY_PREFIX.length);
    return { accountId, day: rest.slice(0, 10), keyId: rest.slice(11) };
  }
  return { accountId, day: sk.slice(DAY_PREFIX.length) };
}
