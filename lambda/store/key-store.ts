// Accounts and keys in the keys table.
// Item layout (invariant): a key lives at pk "KEY#<sha256 hex>", sk "KEY", so authentication is one
// GetItem by the hash of the presented secret; gsi1 lists an account's keys (gsi1pk "ACCOUNT#<id>").
// An account lives at pk "ACCOUNT#<id>", sk "ACCOUNT"; gsi1 lists accounts (gsi1pk "ACCOUNTS").
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountRecord, KeyRecord, KeyStore } from '../core/records';

export const keyPk = (hash: string) => `KEY#${hash}`;
export const accountPk = (accountId: string) => `ACCOUNT#${accountId}`;

type Item = Record<string, unknown>;

function strip<T>(item: Item | undefined, extra: readonly string[] = []): T | undefined {
  if (!item) return undefined;
  const out: Item = { ...item };
  for (const k of ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'ttl', ...extra]) delete out[k];
  return out as T;
}

export class DynamoKeyStore implements KeyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getKeyByHash(hash: string): Promise<KeyRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: keyPk(hash), sk: 'KEY' } }));
    return strip<KeyRecord>(Item);
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: accountPk(accountId), sk: 'ACCOUNT' } }),
    );
    return strip<AccountRecord>(Item);
  }

  async putAccount(account: AccountRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: accountPk(account.accountId), sk: 'ACCOUNT', gsi1pk: 'ACCOUNTS', gsi1sk: `${account.createdAt}#${account.accountId}`, ...account },
      }),
    );
  }

  async putKey(key: KeyRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: keyPk(key.hash), sk: 'KEY', gsi1pk: accountPk(key.accountId), gsi1sk: `KEY#${key.createdAt}#${key.keyId}`, ...key },
      }),
    );
  }
}
