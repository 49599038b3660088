// API-key authentication for /v1. A verified lookup (key and account) is cached in memory for at most
// `cacheMs` (≤ 10 s): that is the bound on how long a revoked or rotated key keeps working on an instance
// that has just seen it. A hot key therefore costs no DynamoDB read on most requests. Unknown keys are
// cached too (briefly, same bound), so guessing costs the attacker, not the table.
import { AuthenticationError } from '../openai/errors';
import type { Clock } from './clock';
import { hashApiKey, isWellFormedKey } from './keys';
import type { AccountRecord, KeyRecord, KeyStore } from './records';

export interface AuthContext {
  key: KeyRecord;
  account: AccountRecord;
}

interface CacheEntry {
  value: AuthContext | undefined;
  expires: number;
}

const MAX_ENTRIES = 10_000;
const UNAUTHORIZED = 'Incorrect API key provided. You can find your API key in your OriginalPoint account.';

export class KeyAuthenticator {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly store: KeyStore,
    private readonly clock: Clock,
    private readonly cacheMs: number,
  ) {}

  /** Resolves the bearer token to its key and account, or throws 401 invalid_api_key. */
  async authenticate(authorization: string | undefined): Promise<AuthContext> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) {
      throw new AuthenticationError(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        { code: 'missing_api_key' },
      );
    }
    if (!isWellFormedKey(token)) throw new AuthenticationError(UNAUTHORIZED);
    const ctx = await this.lookup(hashApiKey(token));
    const now = this.clock.now();
    // The same message for every reason, so a caller learns nothing about keys it does not hold.
    if (!ctx || ctx.key.status !== 'active' || (ctx.key.expiresAt && Date.parse(ctx.key.expiresAt) <= now)) {
      throw new AuthenticationError(UNAUTHORIZED);
    }
    return ctx;
  }

  /** Drops cached entries, e.g. after the local admin API changed a key in this same process. */
  forget(hash?: string): void {
    if (hash) this.cache.delete(hash);
    else this.cache.clear();
  }

  private async lookup(hash: string): Promise<AuthContext | undefined> {
    const now = this.clock.now();
    const hit = this.cache.get(hash);
    if (hit && hit.expires > now) return hit.value;
    const key = await this.store.getKeyByHash(hash);
    const account = key ? await this.store.getAccount(key.accountId) : undefined;
    const value = key && account ? { key, account } : undefined;
    if (this.cache.size >= MAX_ENTRIES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(hash, { value, expires: now + this.cacheMs });
    return value;
  }
}
