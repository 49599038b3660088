// The catalog in the keys table (operator data, retained with it): one partition, pk "CATALOG", read with
// one Query. sk "MODEL#<id>" per model (`spec`, `status`, `successor`, `source`, `updatedAt`); sk "SEEDED"
// marks that the seed was written once, so a seed model the operator deleted stays deleted. The chat role
// may Query this partition and nothing else of the table (IAM condition on the leading key).
import { ConditionalCheckFailedException } from './dynamo-http';
import { DeleteCommand, PutCommand, QueryCommand, type DocClient } from './document';
import type { CatalogEntry, CatalogStore } from '../core/catalog';
import { CATALOG_PK } from './tables';

const SEEDED = 'SEEDED';
const modelSk = (id: string) => `MODEL#${id}`;

/** Entries in catalog order: the seed's order first (its position), then models added later, by id. */
const order = (item: Record<string, unknown>) => Number(item.position ?? Number.MAX_SAFE_INTEGER);

export class DynamoCatalogStore implements CatalogStore {
  constructor(
    private readonly doc: DocClient,
    private readonly table: string,
  ) {}

  async load(): Promise<CatalogEntry[] | undefined> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': CATALOG_PK }, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    if (!items.some((i) => i.sk === SEEDED)) return undefined;
    return items
      .filter((i) => typeof i.sk === 'string' && i.sk.startsWith('MODEL#'))
      .sort((a, b) => order(a) - order(b) || String(a.sk).localeCompare(String(b.sk)))
      .map((i) => ({
        spec: i.spec as CatalogEntry['spec'],
        status: i.status as CatalogEntry['status'],
        ...(typeof i.successor === 'string' ? { successor: i.successor } : {}),
        source: i.source as CatalogEntry['source'],
        updatedAt: String(i.updatedAt),
      }));
  }

  async seed(entries: readonly CatalogEntry[]): Promise<void> {
    const marker = await this.doc.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk AND sk = :sk', ExpressionAttributeValues: { ':pk': CATALOG_PK, ':sk': SEEDED } }));
    if (marker.Items?.length) return;
    for (const [position, entry] of entries.entries()) {
      await this.write(entry, 'create', position).catch((err: unknown) => {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      });
    }
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk: CATALOG_PK, sk: SEEDED, at: new Date().toISOString() } }));
  }

  async put(entry: CatalogEntry, mode: 'create' | 'replace'): Promise<boolean> {
    try {
      await this.write(entry, mode);
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async delete(id: string): Promise<boolean> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: CATALOG_PK, sk: modelSk(id) }, ConditionExpression: 'attribute_exists(pk)' }));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  private async write(entry: CatalogEntry, mode: 'create' | 'replace', position?: number): Promise<void> {
    const existing = mode === 'replace' ? await this.positionOf(entry.spec.id) : position;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: CATALOG_PK, sk: modelSk(entry.spec.id), ...entry, ...(existing !== undefined ? { position: existing } : {}) },
        ConditionExpression: mode === 'create' ? 'attribute_not_exists(pk)' : 'attribute_exists(pk)',
      }),
    );
  }

  private async positionOf(id: string): Promise<number | undefined> {
    const out = await this.doc.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk AND sk = :sk', ExpressionAttributeValues: { ':pk': CATALOG_PK, ':sk': modelSk(id) } }));
    const p = out.Items?.[0]?.position;
    return typeof p === 'number' ? p : undefined;
  }
}
