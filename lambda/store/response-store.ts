// Stored Responses API responses in the responses table.
// Item layout (invariants): one response is one or more items under pk "RESP#<id>", sk "PART#<nnn>", each
// holding a slice of the gzipped JSON document (`doc`, binary) and, on every part, `accountId`, `parts` (how
// many there are) and `ttl`. Parts are at most PART_BYTES, so any response fits under DynamoDB's 400 KB item
// limit; a typical response is one part. A document is readable only once all its parts are there (a
// reader that finds fewer parts than `parts` treats it as absent).
import { gunzipSync, gzipSync } from 'node:zlib';
import { BatchWriteCommand, PutCommand, QueryCommand, type DocClient } from './document';
import type { ResponseStore, StoredResponse } from '../core/records';

const pk = (id: string) => `RESP#${id}`;
const partSk = (n: number) => `PART#${String(n).padStart(3, '0')}`;
/** Well under the 400 KB item limit, leaving room for the keys and attributes beside the slice. */
export const PART_BYTES = 350_000;

type Item = Record<string, unknown>;

export class DynamoResponseStore implements ResponseStore {
  constructor(
    private readonly doc: DocClient,
    private readonly table: string,
  ) {}

  async put(r: StoredResponse): Promise<void> {
    const { accountId, expiresAt } = r;
    const packed = gzipSync(Buffer.from(JSON.stringify(r), 'utf8'));
    const parts = Math.max(1, Math.ceil(packed.length / PART_BYTES));
    const items: Item[] = Array.from({ length: parts }, (_, n) => ({
      pk: pk(r.id),
      sk: partSk(n),
      accountId,
      parts,
      doc: new Uint8Array(packed.subarray(n * PART_BYTES, (n + 1) * PART_BYTES)),
      ttl: Math.ceil(expiresAt / 1000),
    }));
    if (items.length === 1) {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: items[0]! }));
      return;
    }
    for (let i = 0; i < items.length; i += 25) {
      let pending: Item[] = items.slice(i, i + 25);
      // BatchWrite may leave items unprocessed under load; a few rounds settle them.
      for (let round = 0; pending.length && round < 5; round++) {
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending.map((Item) => ({ PutRequest: { Item } })) } }));
        pending = (out.UnprocessedItems?.[this.table] ?? []).flatMap((w) => (w.PutRequest?.Item ? [w.PutRequest.Item] : []));
      }
      if (pending.length) throw new Error('response parts could not all be written');
    }
  }

  async get(id: string): Promise<StoredResponse | undefined> {
    const items = await this.items(id);
    const first = items[0];
    if (!first || items.length !== Number(first.parts)) return undefined;
    // DynamoDB's TTL deletes lazily: an expired document may still be there for a while.
    if (Number(first.ttl) * 1000 < Date.now()) return undefined;
    const packed = Buffer.concat(items.map((i) => Buffer.from(i.doc as Uint8Array)));
    return JSON.parse(gunzipSync(packed).toString('utf8')) as StoredResponse;
  }

  async delete(id: string): Promise<boolean> {
    const items = await this.items(id);
    if (!items.length) return false;
    for (let i = 0; i < items.length; i += 25) {
      await this.doc.send(
        new BatchWriteCommand({ RequestItems: { [this.table]: items.slice(i, i + 25).map((it) => ({ DeleteRequest: { Key: { pk: it.pk, sk: it.sk } } })) } }),
      );
    }
    return true;
  }

  private async items(id: string): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const page: { Items?: Item[]; LastEvaluatedKey?: Item } = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk(id) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
