// What every admin operation receives: the store, the time, and who is asking.
import { NotFoundError } from '../../wire/errors';
import { quote } from '../../wire/json';
import type { Catalog } from '../catalog';
import type { Clock } from '../clock';
import type { AccountRecord, AuditEntry, KeyRecord, Store } from '../records';

export interface AdminContext {
  store: Store;
  clock: Clock;
  /** The catalog as this instance has it: what `allowed_models` entries are checked against. */
  catalog: Catalog;
  /** Reloads this instance's catalog after a change (other instances follow within their refresh bound). */
  catalogChanged?: () => Promise<void>;
  /** The caller's IAM ARN (API Gateway), or "local-admin" behind the local runtime's admin token. */
  actor: string;
  requestId?: string;
}

const ACCOUNT_ID = /^acct_[A-Za-z0-9]{16}$/;
const KEY_ID = /^key_[A-Za-z0-9]{16}$/;

/** A malformed id is simply not found: no store read, and no hint about the format of real ones. */
export async function requireAccount(ctx: AdminContext, accountId: string): Promise<AccountRecord> {
  const account = ACCOUNT_ID.test(accountId) ? await ctx.store.keys.getAccount(accountId) : undefined;
  if (!account) throw new NotFoundError(`No account with id '${quote(accountId, 64)}'.`, { code: 'account_not_found' });
  return account;
}

export async function requireKey(ctx: AdminContext, keyId: string): Promise<KeyRecord> {
  const key = KEY_ID.test(keyId) ? await ctx.store.keys.getKeyById(keyId) : undefined;
  if (!key) throw new NotFoundError(`No API key with id '${quote(keyId, 64)}'.`, { code: 'key_not_found' });
  return key;
}

/**
 * Records a change before it is made, once every check has passed: an entry for a write that then failed
 * is a smaller fault than a write with no entry. Never passed a secret.
 */
export async function audit(ctx: AdminContext, entry: Omit<AuditEntry, 'at' | 'actor' | 'requestId'>): Promise<void> {
  await ctx.store.audit.append({
    at: new Date(ctx.clock.now()).toISOString(),
    actor: ctx.actor,
    ...entry,
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
}

/** The snake_case names a create or patch set, for the audit entry. */
export const wireFields = (body: object): string[] =>
  Object.keys(body).map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
