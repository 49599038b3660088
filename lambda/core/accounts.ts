// Creating accounts and keys. The secret is returned once, here, and never stored: only its hash is.
import type { Budget } from './limits/budget';
import type { Clock } from './clock';
import { newAccountId, newKeyId } from './ids';
import { generateApiKey, hashApiKey, keyHint } from './keys';
import type { AccountRecord, KeyRecord, KeyStore, Plan } from './records';

export async function createAccount(store: KeyStore, input: { name: string; plan: Plan }, clock: Clock): Promise<AccountRecord> {
  const account: AccountRecord = {
    accountId: newAccountId(),
    name: input.name,
    plan: input.plan,
    createdAt: new Date(clock.now()).toISOString(),
  };
  await store.putAccount(account);
  return account;
}

export interface IssuedKey {
  /** The secret, shown once. */
  secret: string;
  record: KeyRecord;
}

export interface KeyOptions {
  label?: string;
  expiresAt?: string;
  ipAllowlist?: string[];
  allowedModels?: string[];
  budget?: Budget;
  /** The key this one replaces (rotation). */
  replaces?: string;
}

export async function issueKey(store: KeyStore, accountId: string, input: KeyOptions, clock: Clock): Promise<IssuedKey> {
  const issued = newKey(accountId, input, clock);
  await store.putKey(issued.record);
  return issued;
}

/** A fresh secret and its record, not yet stored (callers that audit first store it themselves). */
export function newKey(accountId: string, input: KeyOptions, clock: Clock): IssuedKey {
  const secret = generateApiKey();
  const record: KeyRecord = {
    keyId: newKeyId(),
    accountId,
    hash: hashApiKey(secret),
    label: input.label ?? '',
    hint: keyHint(secret),
    status: 'active',
    createdAt: new Date(clock.now()).toISOString(),
    ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
    ...(input.ipAllowlist?.length ? { ipAllowlist: input.ipAllowlist } : {}),
    ...(input.allowedModels ? { allowedModels: input.allowedModels } : {}),
    ...(input.budget ? { budget: input.budget } : {}),
    ...(input.replaces ? { replaces: input.replaces } : {}),
  };
  return { secret, record };
}
