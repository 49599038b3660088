// The document layer against dynalite: every kind of value the stores write comes back as it went in
// (undefined left out, as lib-dynamodb's removeUndefinedValues), queries page, batches read and write,
// and a refused condition is a ConditionalCheckFailedException.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config';
import { startDynalite, type LocalDynamo } from '../../lambda/local/dynalite';
import { ensureTables } from '../../lambda/store/bootstrap';
import { storeCredentials } from '../../lambda/store/credentials';
import { BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, fromItem, toItem, type DocClient } from '../../lambda/store/document';
import { createDocumentClient } from '../../lambda/store/dynamo';
import { ConditionalCheckFailedException } from '../../lambda/store/dynamo-http';

let dynamo: LocalDynamo;
let doc: DocClient;
const TableName = 'op-usage';

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureTables(loadConfig({ OP_DYNAMODB_ENDPOINT: dynamo.endpoint }));
  doc = createDocumentClient({ dynamoEndpoint: dynamo.endpoint, region: 'us-east-1' });
});
afterAll(async () => {
  doc?.destroy();
  await dynamo?.close();
});

describe('marshalling', () => {
  it('round-trips every kind of value through DynamoDB, leaving undefined out', async () => {
    const item = {
      pk: 'DOC#1',
      sk: 'all',
      text: 'héllo',
      int: 42,
      float: -0.125,
      yes: true,
      none: null,
      gone: undefined,
      list: ['a', 1, false, null, undefined, { nested: ['deep'] }],
      map: { a: 1, b: { c: 'd', e: undefined }, empty: {} },
      strings: new Set(['x', 'y']),
      numbers: new Set([1, 2.5]),
      bytes: new Uint8Array([0, 1, 254, 255]),
    };
    await doc.send(new PutCommand({ TableName, Item: item }));
    const { Item } = await doc.send(new GetCommand({ TableName, Key: { pk: 'DOC#1', sk: 'all' } }));
    expect(Item).toEqual({ ...item, gone: undefined, list: ['a', 1, false, null, { nested: ['deep'] }], map: { a: 1, b: { c: 'd' }, empty: {} } });
    expect('gone' in Item!).toBe(false);
    expect(fromItem(toItem(item))).toEqual(Item);
  });

  it('refuses what DynamoDB cannot store, before sending', () => {
    expect(() => toItem({ n: Number.NaN })).toThrow(/cannot store the number/);
    expect(() => toItem({ s: new Set() })).toThrow(/empty set/);
    expect(() => toItem({ f: () => 1 })).toThrow(/cannot store a function/);
  });
});

describe('commands', () => {
  it('updates with expressions and returns the new values, or refuses a condition', async () => {
    const Key = { pk: 'DOC#2', sk: 'counter' };
    const out = await doc.send(new UpdateCommand({ TableName, Key, UpdateExpression: 'ADD #n :one SET tag = :t', ExpressionAttributeNames: { '#n': 'n' }, ExpressionAttributeValues: { ':one': 1, ':t': 'a' }, ReturnValues: 'ALL_NEW' }));
    expect(out.Attributes).toEqual({ ...Key, n: 1, tag: 'a' });
    const refused = await doc.send(new PutCommand({ TableName, Item: { ...Key, n: 5 }, ConditionExpression: 'attribute_not_exists(pk)' })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConditionalCheckFailedException);
    await doc.send(new DeleteCommand({ TableName, Key }));
    expect((await doc.send(new GetCommand({ TableName, Key }))).Item).toBeUndefined();
  });

  it('pages a query with LastEvaluatedKey, and reads and writes in batches', async () => {
    await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: Array.from({ length: 7 }, (_, i) => ({ PutRequest: { Item: { pk: 'DOC#3', sk: `r${i}`, i } } })) } }));
    const seen: number[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'DOC#3' }, Limit: 3, ...(start ? { ExclusiveStartKey: start } : {}) }));
      seen.push(...(page.Items ?? []).map((it) => it.i as number));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const got = await doc.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: [{ pk: 'DOC#3', sk: 'r1' }, { pk: 'DOC#3', sk: 'r5' }] } } }));
    expect((got.Responses?.[TableName] ?? []).map((it) => it.i).sort()).toEqual([1, 5]);
  });
});

describe('credentials', () => {
  it('takes any for a local endpoint, the role\'s from the environment in Lambda', async () => {
    expect(await storeCredentials({ dynamoEndpoint: 'http://127.0.0.1:1', env: {} })()).toEqual({ accessKeyId: 'local', secretAccessKey: 'local' });
    const env = { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' };
    expect(await storeCredentials({ env })()).toEqual({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
  });
});
