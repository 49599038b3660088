// DynamoDB Streams on dynalite and the local event source, as the usage aggregator meets them in AWS: a
// record per successful write in the order the writes were applied (one item's writes never reorder, even
// sent all at once), the new image whatever the client asked to get back, refused writes not streamed,
// only matching records handed over, in batches bounded by size and window, and a failed batch retried.
import { GetCommand, PutCommand, UpdateCommand } from '../../lambda/store/document';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../lambda/config';
import { startDynalite, type LocalDynamo } from '../../lambda/local/dynalite';
import { matches, startEventSource } from '../../lambda/local/event-source';
import { ensureTables } from '../../lambda/store/bootstrap';
import { createDocumentClient } from '../../lambda/store/dynamo';
import { RECORD_FILTER } from '../../lambda/store/limit-store';

let dynamo: LocalDynamo;
let config: Config;
let doc: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  dynamo = await startDynalite();
  config = loadConfig({ OP_DYNAMODB_ENDPOINT: dynamo.endpoint });
  await ensureTables(config);
  doc = createDocumentClient(config);
});
afterAll(async () => {
  doc?.destroy();
  await dynamo?.close();
});

const table = () => config.tables.counters;
const collect = () => {
  const seen: DynamoDBRecord[] = [];
  dynamo.streams.enable(table());
  const stop = dynamo.streams.subscribe(table(), (r) => seen.push(r));
  return { seen, stop };
};

describe('the stream proxy', () => {
  it("records one item's writes in the order they were applied, with the new image", async () => {
    const { seen, stop } = collect();
    const Key = { pk: 'STREAM#order', sk: 'KEY' };
    await Promise.all(Array.from({ length: 40 }, () => doc.send(new UpdateCommand({ TableName: table(), Key, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } }))));
    stop();
    const mine = seen.filter((r) => r.dynamodb?.Keys?.pk?.S === Key.pk);
    expect(mine.map((r) => Number(r.dynamodb?.NewImage?.n?.N))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(mine.every((r) => r.eventName === 'MODIFY' && r.dynamodb?.StreamViewType === 'NEW_IMAGE')).toBe(true);
  });

  it('gives the client only what it asked for, and streams nothing for a refused write', async () => {
    const { seen, stop } = collect();
    const Key = { pk: 'STREAM#ask', sk: 'KEY' };
    const plain = await doc.send(new UpdateCommand({ TableName: table(), Key, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': 1 } }));
    expect(plain.Attributes).toBeUndefined();
    const refused = await doc
      .send(new UpdateCommand({ TableName: table(), Key, UpdateExpression: 'SET v = :v', ConditionExpression: 'v = :other', ExpressionAttributeValues: { ':v': 2, ':other': 9 } }))
      .catch((e: unknown) => e);
    expect((refused as Error).name).toBe('ConditionalCheckFailedException');
    await doc.send(new PutCommand({ TableName: table(), Item: { ...Key, v: 3 } }));
    stop();
    expect((await doc.send(new GetCommand({ TableName: table(), Key }))).Item?.v).toBe(3);
    const mine = seen.filter((r) => r.dynamodb?.Keys?.pk?.S === Key.pk);
    expect(mine.map((r) => [r.eventName, r.dynamodb?.NewImage?.v?.N])).toEqual([
      ['MODIFY', '1'],
      ['INSERT', '3'],
    ]);
  });
});

describe('the event source', () => {
  it('matches the usage filter: only images that carry a record', () => {
    const image = (extra: object) => ({ eventName: 'MODIFY', dynamodb: { NewImage: { pk: { S: 'LIMITS#k' }, ...extra } } });
    expect(matches(image({ u: { S: '{}' } }), RECORD_FILTER as never)).toBe(true);
    expect(matches(image({}), RECORD_FILTER as never)).toBe(false);
    expect(matches({ ...image({ u: { S: '{}' } }), eventName: 'REMOVE' }, RECORD_FILTER as never)).toBe(false);
  });

  it('hands over matching records in batches, retries a failed batch until it succeeds, and drains', async () => {
    const batches: number[][] = [];
    let failures = 1;
    const source = startEventSource(dynamo.streams, {
      table: table(),
      filter: { dynamodb: { NewImage: { batch: { S: [{ exists: true }] } } } },
      batchSize: 4,
      windowMs: 200,
      handler: async (event) => {
        if (failures-- > 0) throw new Error('first try fails');
        batches.push(event.Records.map((r) => Number(r.dynamodb?.NewImage?.i?.N)));
      },
    });
    for (let i = 0; i < 10; i++) await doc.send(new PutCommand({ TableName: table(), Item: { pk: `STREAM#batch${i}`, sk: 'KEY', i, batch: 'yes' } }));
    await doc.send(new PutCommand({ TableName: table(), Item: { pk: 'STREAM#other', sk: 'KEY', i: 99 } }));
    await source.drained();
    source.close();
    expect(batches.flat()).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(batches.every((b) => b.length <= 4)).toBe(true);
  });
});
