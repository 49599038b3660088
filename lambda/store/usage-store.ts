// Usage records and daily aggregates in the usage table.
//
// Item layout (invariants), all under one partition per account so an account's usage is one Query:
// - Record: pk "ACCOUNT#<accountId>", sk "REQ#<startedAt ISO>#<requestId>"; the request's fields, `writer`
//   (the settlement that stored it) and `ttl` (OP_USAGE_RETENTION_DAYS). Written only if absent.
// - Aggregates, per UTC day, counters added with ADD (requests, promptTokens, completionTokens,
//   totalTokens, costNanoUsd), no TTL:
//     sk "AGG#ACCOUNT#<day>"                    the account
//     sk "AGG#MODEL#<day>#<model>"              the account, per model that served
//     sk "AGG#KEY#<day>#<keyId>"                one key
//     sk "AGG#KEY-MODEL#<day>#<keyId>#<model>"  one key, per model
// One aggregate item takes one update per request of its account and day: DynamoDB's 1,000 writes per
// second per item bounds an account at that many requests per second, far above the plans' limits.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AGGREGATE_DIMENSIONS, type AggregateDimension, type AggregateRow, type UsageStore } from '../core/usage/port';
import type { UsageRecord, UsageTotals } from '../core/usage/record';
import type { RequestCounter } from './request-counter';

type Item = Record<string, unknown>;

const accountPk = (accountId: string) => `ACCOUNT#${accountId}`;
const recordSk = (r: Pick<UsageRecord, 'startedAt' | 'requestId'>) => `REQ#${r.startedAt}#${r.requestId}`;
const AGG_PREFIX: Readonly<Record<AggregateDimension, string>> = {
  account: 'AGG#ACCOUNT#',
  model: 'AGG#MODEL#',
  key: 'AGG#KEY#',
  'key-model': 'AGG#KEY-MODEL#',
};
const TOTALS: ReadonlyArray<keyof UsageTotals> = ['requests', 'promptTokens', 'completionTokens', 'totalTokens', 'costNanoUsd'];

function aggregateKey(dimension: AggregateDimension, record: UsageRecord): { sk: string; fields: Item } {
  const day = record.startedAt.slice(0, 10);
  // Requests no model served (every route failed) are still requests: they group under "(none)".
  const model = record.modelUsed ?? '(none)';
  switch (dimension) {
    case 'account':
      return { sk: `${AGG_PREFIX.account}${day}`, fields: { day } };
    case 'model':
      return { sk: `${AGG_PREFIX.model}${day}#${model}`, fields: { day, model } };
    case 'key':
      return { sk: `${AGG_PREFIX.key}${day}#${record.keyId}`, fields: { day, keyId: record.keyId } };
    case 'key-model':
      return { sk: `${AGG_PREFIX['key-model']}${day}#${record.keyId}#${model}`, fields: { day, keyId: record.keyId, model } };
  }
}

const refused = (err: unknown) => err instanceof ConditionalCheckFailedException;

export class DynamoUsageStore implements UsageStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly counter: RequestCounter,
  ) {}

  /** The client, with the request about to be sent counted under `label`. */
  private client(label: string): DynamoDBDocumentClient {
    this.counter.count(`usage.${label}`);
    return this.doc;
  }

  async putRecord(record: UsageRecord, expiresAt: number, writer: string): Promise<boolean> {
    const key = { pk: accountPk(record.accountId), sk: recordSk(record) };
    // A put is safe to repeat: the condition plus the writer tell a lost answer from a real duplicate.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client('record').send(
          new PutCommand({
            TableName: this.table,
            Item: { ...key, ...record, writer, ttl: Math.ceil(expiresAt / 1000) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
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
    const amounts: Record<keyof UsageTotals, number> = {
      requests: 1,
      promptTokens: record.promptTokens,
      completionTokens: record.completionTokens,
      totalTokens: record.totalTokens,
      costNanoUsd: record.costNanoUsd,
    };
    const results = await Promise.allSettled(
      AGGREGATE_DIMENSIONS.map((dimension) => {
        const { sk, fields } = aggregateKey(dimension, record);
        const names: Record<string, string> = {};
        const values: Record<string, unknown> = {};
        const adds = TOTALS.map((t, i) => {
          names[`#t${i}`] = t;
          values[`:t${i}`] = amounts[t];
          return `#t${i} :t${i}`;
        });
        const sets = Object.entries(fields).map(([f, v], i) => {
          names[`#f${i}`] = f;
          values[`:f${i}`] = v;
          return `#f${i} = :f${i}`;
        });
        return this.client('aggregate').send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: accountPk(record.accountId), sk },
            UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      }),
    );
    return AGGREGATE_DIMENSIONS.filter((_, i) => results[i]?.status === 'rejected');
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
    const prefix = AGG_PREFIX[dimension];
    // Days sort as strings; "~" sorts after every id character, so the last day's items are included.
    const items = await this.query(accountId, `${prefix}${fromDay}`, `${prefix}${toDay}~`);
    return items.map((item) => ({
      day: String(item.day),
      ...(typeof item.model === 'string' ? { model: item.model } : {}),
      ...(typeof item.keyId === 'string' ? { keyId: item.keyId } : {}),
      totals: {
        requests: Number(item.requests ?? 0),
        promptTokens: Number(item.promptTokens ?? 0),
        completionTokens: Number(item.completionTokens ?? 0),
        totalTokens: Number(item.totalTokens ?? 0),
        costNanoUsd: Number(item.costNanoUsd ?? 0),
      },
    }));
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
