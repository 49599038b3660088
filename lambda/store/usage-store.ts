// Usage records and daily aggregates in the usage table.
//
// Item layout (invariants), all under one partition per account so an account's usage is one Query:
// - Record: pk "ACCOUNT#<accountId>", sk "REQ#<startedAt ISO>#<requestId>"; the request's fields, `writer`
//   (the settlement that stored it) and `ttl` (OP_USAGE_RETENTION_DAYS). Written only if absent.
// - Aggregates, per UTC day, two items per request, each one UpdateItem of ADDs, no TTL:
//     sk "AGG#DAY#<day>"                 the account's day
//     sk "AGG#KEY-DAY#<day>#<keyId>"     one key's day
//   Each holds, per model that served ("(none)" when none did), five counters named "<total>#<model>":
//   n (requests), p (prompt tokens), c (completion tokens), t (total tokens), usd (cost, nano-USD). The
//   account's totals per day are the sum over its models, read back from the same item. Size bound: one
//   group per catalog model plus "(none)", about 30 bytes per counter, so a day on every one of the 16
//   models is about 2.5 KB (3 write units per update); a day on one to three models stays under 1 KB.
// One aggregate item takes one update per request of its account (or key) and day: DynamoDB's 1,000 writes
// per second per item (fewer for items over 1 KB) bounds an account at that many requests per second, far
// above the plans' limits.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AggregateDimension, AggregateRow, UsageStore } from '../core/usage/port';
import { ZERO_TOTALS, addTotals, totalsOf, type UsageRecord, type UsageTotals } from '../core/usage/record';
import { marshall, marshallItem, type AttributeValue, type DynamoHttp } from './dynamo-http';
import { CountedStore, type RequestCounter } from './request-counter';

type Item = Record<string, unknown>;

const accountPk = (accountId: string) => `ACCOUNT#${accountId}`;
const recordSk = (r: Pick<UsageRecord, 'startedAt' | 'requestId'>) => `REQ#${r.startedAt}#${r.requestId}`;
const DAY_PREFIX = 'AGG#DAY#';
const KEY_DAY_PREFIX = 'AGG#KEY-DAY#';
/** Attribute code of each total; an aggregate attribute is "<code>#<model>". */
const CODES: Readonly<Record<keyof UsageTotals, string>> = { requests: 'n', promptTokens: 'p', completionTokens: 'c', totalTokens: 't', cacheReadTokens: 'k', costNanoUsd: 'usd' };
const TOTALS = Object.keys(CODES) as Array<keyof UsageTotals>;
const TOTAL_OF_CODE = new Map(TOTALS.map((total) => [CODES[total], total]));
/** The dimensions each aggregate item serves: when its update fails, the record is missing from these. */
const DAY_DIMENSIONS: readonly AggregateDimension[] = ['account', 'model'];
const KEY_DAY_DIMENSIONS: readonly AggregateDimension[] = ['key', 'key-model'];

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

const refused = (err: unknown) => err instanceof ConditionalCheckFailedException;

export class DynamoUsageStore extends CountedStore implements UsageStore {
  constructor(doc: DynamoDBDocumentClient, http: DynamoHttp, table: string, counter: RequestCounter) {
    super(doc, http, table, counter, 'usage');
  }

  async putRecord(record: UsageRecord, expiresAt: number, writer: string): Promise<boolean> {
    const key = { pk: accountPk(record.accountId), sk: recordSk(record) };
    // A put is safe to repeat: the condition plus the writer tell a lost answer from a real duplicate.
    for (let attempt = 0; ; attempt++) {
      try {
        this.counter.count('usage.record');
        await this.http.send('PutItem', {
          TableName: this.table,
          Item: marshallItem({ ...key, ...record, writer, ttl: Math.ceil(expiresAt / 1000) }),
          ConditionExpression: 'attribute_not_exists(pk)',
        });
        return true;
      } catch (err) {
        if (refused(err)) {
          const { Item } = await this.client('record').send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
          return Item?.writer === writer;
        }
        if (attempt >= 1) throw err;
      }
    }
  }

  async addToAggregates(record: UsageRecord): Promise<AggregateDimension[]> {
    const day = record.startedAt.slice(0, 10);
    // Requests no model served (every route failed) are still requests: they group under "(none)".
    const model = record.modelUsed ?? '(none)';
    const totals = totalsOf(record);
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    const adds = TOTALS.map((total, i) => {
      names[`#a${i}`] = `${CODES[total]}#${model}`;
      values[`:a${i}`] = marshall(totals[total]);
      return `#a${i} :a${i}`;
    });
    const items: Array<[string, readonly AggregateDimension[]]> = [
      [`${DAY_PREFIX}${day}`, DAY_DIMENSIONS],
      [`${KEY_DAY_PREFIX}${day}#${record.keyId}`, KEY_DAY_DIMENSIONS],
    ];
    const results = await Promise.allSettled(
      items.map(([sk]) => {
        this.counter.count('usage.aggregate');
        return this.http.send('UpdateItem', {
          TableName: this.table,
          Key: { pk: marshall(accountPk(record.accountId)), sk: marshall(sk) },
          UpdateExpression: `ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        });
      }),
    );
    return items.flatMap(([, dimensions], i) => (results[i]?.status === 'rejected' ? dimensions : []));
  }

  async flagMissingAggregates(record: UsageRecord, missing: AggregateDimension[]): Promise<void> {
    await this.client('flag').send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: accountPk(record.accountId), sk: recordSk(record) },
        UpdateExpression: 'SET missingAggregates = :missing',
        ExpressionAttributeValues: { ':missing': missing },
      }),
    );
  }

  async aggregates(accountId: string, dimension: AggregateDimension, fromDay: string, toDay: string): Promise<AggregateRow[]> {
    const perKey = dimension === 'key' || dimension === 'key-model';
    const prefix = perKey ? KEY_DAY_PREFIX : DAY_PREFIX;
    // Days sort as strings; "~" sorts after every id character, so the last day's items are included.
    const items = await this.query(accountId, `${prefix}${fromDay}`, `${prefix}${toDay}~`);
    return items.flatMap((item): AggregateRow[] => {
      // sk: <prefix><day> or <prefix><day>#<keyId>
      const rest = String(item.sk).slice(prefix.length);
      const day = rest.slice(0, 10);
      const key = perKey ? { keyId: rest.slice(11) } : {};
      const models = modelTotals(item);
      if (dimension === 'account' || dimension === 'key') {
        return [{ day, ...key, totals: models.reduce((sum, [, t]) => addTotals(sum, t), ZERO_TOTALS) }];
      }
      return models.map(([model, totals]) => ({ day, ...key, model, totals }));
    });
  }

  async records(accountId: string, fromIso: string, toIso: string): Promise<UsageRecord[]> {
    const items = await this.query(accountId, `REQ#${fromIso}`, `REQ#${toIso}`);
    return items.map((item) => {
      const { pk: _pk, sk: _sk, ttl: _ttl, writer: _writer, ...record } = item;
      return record as unknown as UsageRecord;
    });
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
