// Accounts and keys in the keys table.
// Item layout (invariant): a key lives at pk "KEY#<sha256 hex>", sk "KEY", so authentication is one
// GetItem by the hash of the presented secret; gsi1 lists an account's keys (gsi1pk "ACCOUNT#<id>").
// A pointer at pk "KEYID#<keyId>", sk "KEYID" holds the key's hash, so the admin API finds a key by its
// public id with two GetItems. The pointer is written before the key item (dynalite has no transactions,
// so the same order runs everywhere): a failure in between leaves a pointer to nothing, which reads as
// "no such key", never a key that cannot be managed.
// An account lives at pk "ACCOUNT#<id>", sk "ACCOUNT"; gsi1 lists accounts (gsi1pk "ACCOUNTS").
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DocClient,
} from './document';
import { ConditionalCheckFailedException } from './dynamo-http';
import { InvalidCursorError, type AccountRecord, type KeyRecord, type KeyStore, type Page } from '../core/records';

export const keyPk = (hash: string) => `KEY#${hash}`;
export const keyIdPk = (keyId: string) => `KEYID#${keyId}`;
export const accountPk = (accountId: string) => `ACCOUNT#${accountId}`;
const ACCOUNTS = 'ACCOUNTS';

type Item = Record<string, unknown>;

export function strip<T>(item: Item | undefined, extra: readonly string[] = []): T | undefined {
  if (!item) return undefined;
  const out: Item = { ...item };
  for (const k of ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'ttl', ...extra]) delete out[k];
  return out as T;
}

const accountItem = (account: AccountRecord): Item => ({
  pk: accountPk(account.accountId),
  sk: 'ACCOUNT',
  gsi1pk: ACCOUNTS,
  gsi1sk: `${account.createdAt}#${account.accountId}`,
  ...account,
});

const keyItem = (key: KeyRecord): Item => ({
  pk: keyPk(key.hash),
  sk: 'KEY',
  gsi1pk: accountPk(key.accountId),
  gsi1sk: `KEY#${key.createdAt}#${key.keyId}`,
  ...key,
});

/** Cursors are the index position of the last item returned, base64url-encoded JSON. */
function encodeCursor(key: Item): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeAccountCursor(cursor: string): Item {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('unreadable cursor');
  }
  const c = parsed as Item;
  const valid =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) &&
    Object.keys(c).sort().join() === 'gsi1pk,gsi1sk,pk,sk' &&
    c.gsi1pk === ACCOUNTS && c.sk === 'ACCOUNT' &&
    typeof c.pk === 'string' && c.pk.startsWith('ACCOUNT#') && typeof c.gsi1sk === 'string';
  if (!valid) throw new InvalidCursorError('not an accounts cursor');
  return c;
}

/** Every item listed under an account in gsi1 whose sort key starts with `prefix` (keys, members, invitations), in order. */
export async function listUnderAccount<T>(doc: DocClient, table: string, accountId: string, prefix: string): Promise<T[]> {
  const out: T[] = [];
  let start: Item | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
        ExpressionAttributeValues: { ':pk': accountPk(accountId), ':prefix': prefix },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) out.push(strip<T>(item) as T);
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException;

export class DynamoKeyStore implements KeyStore {
  constructor(
    private readonly doc: DocClient,
    private readonly table: string,
  ) {}

  async getKeyByHash(hash: string): Promise<KeyRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: keyPk(hash), sk: 'KEY' } }));
    return strip<KeyRecord>(Item);
  }

  async getKeyById(keyId: string): Promise<KeyRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: keyIdPk(keyId), sk: 'KEYID' }, ConsistentRead: true }),
    );
    const hash = Item?.hash;
    return typeof hash === 'string' ? this.getKeyByHash(hash) : undefined;
  }

  listKeys(accountId: string): Promise<KeyRecord[]> {
    return listUnderAccount<KeyRecord>(this.doc, this.table, accountId, 'KEY#');
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: 'ACCOUNT' } }),
    );
    return strip<AccountRecord>(Item);
  }

  async listAccounts(page: { limit: number; after?: string }): Promise<Page<AccountRecord>> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': ACCOUNTS },
        Limit: page.limit,
        ExclusiveStartKey: page.after ? decodeAccountCursor(page.after) : undefined,
      }),
    );
    const items = (result.Items ?? []).map((item) => strip<AccountRecord>(item) as AccountRecord);
    return { items, ...(result.LastEvaluatedKey ? { next: encodeCursor(result.LastEvaluatedKey) } : {}) };
  }

  async putAccount(account: AccountRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: accountItem(account) }));
  }

  async updateAccount(account: AccountRecord): Promise<boolean> {
    return this.replaceExisting(accountItem(account));
  }

  async deleteAccount(accountId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: 'ACCOUNT' } }));
  }

  async putKey(key: KeyRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: keyIdPk(key.keyId), sk: 'KEYID', hash: key.hash },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: keyItem(key), ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  /**
   * A whole-item replace of a record the caller has just read: a lastUsedAt written by /v1 in between is
   * set back to the value read (at most about a minute stale), which admin changes can afford.
   */
  async updateKey(key: KeyRecord): Promise<boolean> {
    return this.replaceExisting(keyItem(key));
  }

  async touchKey(hash: string, lastUsedAt: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: keyPk(hash), sk: 'KEY' },
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': lastUsedAt },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  /** Put that never creates: an item deleted meanwhile stays deleted. */
  private async replaceExisting(item: Item): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_exists(pk)' }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
