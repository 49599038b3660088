// Stored records and the store ports the core depends on. The core never imports the AWS SDK: it receives
// an implementation of these interfaces (lambda/store/ provides the one DynamoDB implementation).

import type { Limits } from './plans';

export type Plan = 'free' | 'pro' | 'enterprise';

export interface AccountRecord {
  accountId: string;
  name: string;
  plan: Plan;
  /** Enterprise only: limits that replace the plan defaults (null = unlimited). */
  customLimits?: Partial<Limits>;
  /** ISO 8601. */
  createdAt: string;
}

export interface KeyRecord {
  /** Public, stable id shown in lists: "key_" + 16 base62 characters. */
  keyId: string;
  accountId: string;
  /** SHA-256 hex of the secret key; the secret itself is never stored. */
  hash: string;
  label: string;
  /** "op_a1b2…wxyz". */
  hint: string;
  status: 'active' | 'revoked';
  createdAt: string;
  lastUsedAt?: string;
  /** ISO 8601; the key stops working at this instant. */
  expiresAt?: string;
  /** IPv4/IPv6 CIDRs; absent or empty means any address. */
  ipAllowlist?: string[];
}

export interface KeyStore {
  getKeyByHash(hash: string): Promise<KeyRecord | undefined>;
  getAccount(accountId: string): Promise<AccountRecord | undefined>;
  putAccount(account: AccountRecord): Promise<void>;
  putKey(key: KeyRecord): Promise<void>;
}

export interface Store {
  keys: KeyStore;
}
