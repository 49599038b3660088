// Stored records and the store ports the core depends on. The core never imports the AWS SDK: it receives
// an implementation of these interfaces (lambda/store/ provides the one DynamoDB implementation).

import type { AssistantPart, Message } from './canonical/content';
import type { CatalogStore } from './catalog/entry';
import type { MemberStore } from './dashboard/members';
import type { Budget, BudgetPeriod } from './limits/budget';
import type { LimitStore } from './limits/port';
import type { Limits } from './plans';
import type { UsageStore } from './usage/port';

export type Plan = 'free' | 'pro' | 'enterprise';

export interface AccountRecord {
  accountId: string;
  name: string;
  plan: Plan;
  /** Enterprise only: limits that replace the plan defaults (null = unlimited). */
  customLimits?: Partial<Limits>;
  /** Catalog ids and `*` patterns its keys may use (core/model-access.ts); absent: every model. */
  allowedModels?: string[];
  /** A USD budget all its keys share (core/limits/budget.ts). */
  budget?: Budget;
  /** ISO 8601. */
  createdAt: string;
  updatedAt?: string;
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
  /** Catalog ids and `*` patterns this key may use, within its account's; absent: every model. */
  allowedModels?: string[];
  /** A USD budget of the key's own, besides its account's. */
  budget?: Budget;
  updatedAt?: string;
  revokedAt?: string;
  /** Rotation links: the key this one replaced, and the key that replaced this one. */
  replaces?: string;
  replacedBy?: string;
}

/** One page of a listing; `next` is an opaque cursor for the following page, absent on the last. */
export interface Page<T> {
  items: T[];
  next?: string;
}

export interface KeyStore {
  getKeyByHash(hash: string): Promise<KeyRecord | undefined>;
  getKeyById(keyId: string): Promise<KeyRecord | undefined>;
  /** Every key of the account, revoked ones included, oldest first. */
  listKeys(accountId: string): Promise<KeyRecord[]>;
  getAccount(accountId: string): Promise<AccountRecord | undefined>;
  /** Oldest first. Throws InvalidCursorError for a cursor this store did not hand out. */
  listAccounts(page: { limit: number; after?: string }): Promise<Page<AccountRecord>>;
  putAccount(account: AccountRecord): Promise<void>;
  /** Replaces an existing account; false if it no longer exists (nothing written). */
  updateAccount(account: AccountRecord): Promise<boolean>;
  deleteAccount(accountId: string): Promise<void>;
  putKey(key: KeyRecord): Promise<void>;
  /** Replaces an existing key; false if it does not exist (nothing written). */
  updateKey(key: KeyRecord): Promise<boolean>;
  /** Sets lastUsedAt only, and only on a key that exists. */
  touchKey(hash: string, lastUsedAt: string): Promise<void>;
}

/** Who changed what, when. Never holds a secret: ids, field names and non-secret values only. */
export interface AuditEntry {
  /** ISO 8601. */
  at: string;
  /** The caller's IAM ARN, or "local-admin". */
  actor: string;
  action: 'account.create' | 'account.update' | 'account.delete' | 'key.create' | 'key.update' | 'key.rotate' | 'key.revoke' | 'model.create' | 'model.update' | 'model.delete';
  /** Absent for catalog changes, which belong to no account. */
  accountId?: string;
  /** For model.*: the catalog id. */
  modelId?: string;
  keyId?: string;
  /** For key.rotate: the replacement. */
  newKeyId?: string;
  /** Names of the fields a create or update set. */
  fields?: string[];
  requestId?: string;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** One UTC day ("2026-01-15"), oldest first. */
  listDay(day: string): Promise<AuditEntry[]>;
}

export class InvalidCursorError extends Error {}

export interface RequestCounts {
  snapshot(): Record<string, number>;
  reset(): void;
}

/**
 * A stored Responses API response (`store: true`): enough to continue the conversation from it
 * (`previous_response_id`) and to show it again (GET /v1/responses/{id}).
 */
export interface StoredResponse {
  id: string;
  accountId: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; the store forgets the response after this. */
  expiresAt: number;
  previousResponseId?: string;
  /** The turn this response added: its input (without instructions, which are not carried over) and output. */
  input: Message[];
  output: AssistantPart[];
  /** The response object as it was returned. */
  response: unknown;
}

export interface ResponseStore {
  put(response: StoredResponse): Promise<void>;
  /** Undefined when there is none (or it expired). */
  get(id: string): Promise<StoredResponse | undefined>;
  /** False when there was nothing to delete. */
  delete(id: string): Promise<boolean>;
}

/** A budget crossing 50, 80 or 100% of its limit in a period: recorded once, readable by the account's admins. */
export interface BudgetEvent {
  /** ISO 8601. */
  at: string;
  type: 'budget.threshold';
  accountId: string;
  scope: 'key' | 'account';
  /** The key whose budget it is (scope key), or whose request crossed the account's. */
  keyId: string;
  threshold: 50 | 80 | 100;
  limitUsd: number;
  period: BudgetPeriod;
  /** The period's name ("2026-12", "week of 2026-11-30", "total"). */
  periodLabel: string;
  settledUsd: number;
}

export interface EventLog {
  record(event: BudgetEvent): Promise<void>;
  /** The account's events, newest first. */
  list(accountId: string, limit: number): Promise<BudgetEvent[]>;
}

export interface Store {
  keys: KeyStore;
  audit: AuditLog;
  /** Budget events, per account (counters table). */
  events: EventLog;
  /** The model catalog as operator data (keys table). */
  catalog: CatalogStore;
  /** Dashboard users and invitations (keys table). */
  members: MemberStore;
  /** Rate-limit counters and concurrency leases (counters table). */
  limits: LimitStore;
  /** Usage records and aggregates (usage table). */
  usage: UsageStore;
  /** Stored Responses API responses (responses table). */
  responses: ResponseStore;
  /** DynamoDB requests sent, by label ("limits.admit" is the hot path): for benchmarks. */
  requests?: RequestCounts;
}
