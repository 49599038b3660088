// The DynamoDB store against dynalite, with the tables the stack defines.
import { describe, expect, it } from 'vitest';
import { InvalidCursorError, type AccountRecord, type KeyRecord } from '../../lambda/core/records';
import { newAccountId, newKeyId } from '../../lambda/core/ids';
import { generateApiKey, hashApiKey } from '../../lambda/core/keys';
import { useStore } from '../helpers/store';

const db = useStore();

let tick = 0;
const account = (name = 'Acme'): AccountRecord => ({
  accountId: newAccountId(),
  name,
  plan: 'pro',
  createdAt: new Date(Date.UTC(2026, 0, 1) + tick++ * 1000).toISOString(),
});
const key = (accountId: string, over: Partial<KeyRecord> = {}): KeyRecord => ({
  keyId: newKeyId(),
  accountId,
  hash: hashApiKey(generateApiKey()),
  label: 'ci',
  hint: 'op_abcd…wxyz',
  status: 'active',
  createdAt: new Date(Date.UTC(2026, 0, 1) + tick++ * 1000).toISOString(),
  ...over,
});

describe('keys', () => {
  it('finds a key by the hash of its secret and by its public id', async () => {
    const a = account();
    await db.store.keys.putAccount(a);
    const k = key(a.accountId, { ipAllowlist: ['10.0.0.0/8', '::1'], expiresAt: '2027-01-01T00:00:00.000Z' });
    await db.store.keys.putKey(k);
    expect(await db.store.keys.getKeyByHash(k.hash)).toEqual(k);
    expect(await db.store.keys.getKeyById(k.keyId)).toEqual(k);
    expect(await db.store.keys.getKeyById(newKeyId())).toBeUndefined();
  });

  it('never overwrites an existing key on create', async () => {
    const a = account();
    const k = key(a.accountId);
    await db.store.keys.putKey(k);
    await expect(db.store.keys.putKey({ ...k, label: 'other' })).rejects.toThrow();
    expect((await db.store.keys.getKeyByHash(k.hash))?.label).toBe('ci');
  });

  it("lists an account's keys oldest first, and only that account's", async () => {
    const a = account();
    const b = account();
    const first = key(a.accountId);
    const second = key(a.accountId, { status: 'revoked' });
    await db.store.keys.putKey(first);
    await db.store.keys.putKey(second);
    await db.store.keys.putKey(key(b.accountId));
    expect((await db.store.keys.listKeys(a.accountId)).map((k) => k.keyId)).toEqual([first.keyId, second.keyId]);
  });

  it('updates an existing key (removing cleared fields) but never creates one', async () => {
    const a = account();
    const k = key(a.accountId, { ipAllowlist: ['10.0.0.0/8'] });
    await db.store.keys.putKey(k);
    const { ipAllowlist: _dropped, ...rest } = k;
    expect(await db.store.keys.updateKey({ ...rest, label: 'renamed' })).toBe(true);
    expect(await db.store.keys.getKeyById(k.keyId)).toEqual({ ...rest, label: 'renamed' });
    const ghost = key(a.accountId);
    expect(await db.store.keys.updateKey(ghost)).toBe(false);
    expect(await db.store.keys.getKeyByHash(ghost.hash)).toBeUndefined();
  });

  it('touches lastUsedAt only on keys that exist', async () => {
    const k = key(newAccountId());
    await db.store.keys.putKey(k);
    await db.store.keys.touchKey(k.hash, '2026-01-15T12:00:00.000Z');
    expect((await db.store.keys.getKeyByHash(k.hash))?.lastUsedAt).toBe('2026-01-15T12:00:00.000Z');
    const missing = hashApiKey(generateApiKey());
    await db.store.keys.touchKey(missing, '2026-01-15T12:00:00.000Z');
    expect(await db.store.keys.getKeyByHash(missing)).toBeUndefined();
  });
});

describe('accounts', () => {
  it('creates, updates only while it exists, and deletes', async () => {
    const a = account();
    await db.store.keys.putAccount(a);
    expect(await db.store.keys.getAccount(a.accountId)).toEqual(a);
    expect(await db.store.keys.updateAccount({ ...a, plan: 'enterprise', customLimits: { requestsPerMinute: null } })).toBe(true);
    expect(await db.store.keys.getAccount(a.accountId)).toMatchObject({ plan: 'enterprise', customLimits: { requestsPerMinute: null } });
    await db.store.keys.deleteAccount(a.accountId);
    expect(await db.store.keys.getAccount(a.accountId)).toBeUndefined();
    expect(await db.store.keys.updateAccount(a)).toBe(false);
    expect(await db.store.keys.getAccount(a.accountId)).toBeUndefined();
  });

  it('pages through accounts in creation order with an opaque cursor', async () => {
    const created = [account('p1'), account('p2'), account('p3')];
    for (const a of created) await db.store.keys.putAccount(a);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await db.store.keys.listAccounts({ limit: 2, after });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a) => a.accountId));
      after = page.next;
    } while (after);
    const ours = seen.filter((id) => created.some((a) => a.accountId === id));
    expect(ours).toEqual(created.map((a) => a.accountId));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses a cursor it did not hand out', async () => {
    await expect(db.store.keys.listAccounts({ limit: 2, after: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(InvalidCursorError);
    const forged = Buffer.from(JSON.stringify({ pk: 'KEY#x', sk: 'KEY', gsi1pk: 'ACCOUNTS', gsi1sk: 'x' })).toString('base64url');
    await expect(db.store.keys.listAccounts({ limit: 2, after: forged })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('audit log', () => {
  it('keeps one UTC day of entries in order', async () => {
    await db.store.audit.append({ at: '2026-02-01T10:00:00.000Z', actor: 'arn:aws:iam::1:user/ops', action: 'account.create', accountId: 'acct_a' });
    await db.store.audit.append({ at: '2026-02-01T10:00:01.000Z', actor: 'local-admin', action: 'key.create', accountId: 'acct_a', keyId: 'key_a', fields: ['label'] });
    await db.store.audit.append({ at: '2026-02-02T00:00:00.000Z', actor: 'local-admin', action: 'key.revoke', accountId: 'acct_a', keyId: 'key_a' });
    const day = await db.store.audit.listDay('2026-02-01');
    expect(day.map((e) => e.action)).toEqual(['account.create', 'key.create']);
    expect(day[1]).toEqual({ at: '2026-02-01T10:00:01.000Z', actor: 'local-admin', action: 'key.create', accountId: 'acct_a', keyId: 'key_a', fields: ['label'] });
  });
});
