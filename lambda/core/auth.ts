// API-key authentication for /v1. A verified lookup (key and account) is cached in memory for at most
// `cacheMs` (≤ 10 s): that is the bound on how long a revoked or rotated key keeps working on an instance
// that has just seen it. A hot key therefore costs no DynamoDB read on most requests. Keys that do not
// authenticate are cached too (same bound), so repeating a guess costs the attacker, not the table; they
// live in a cache of their own, so a flood of unique bad keys evicts only other bad keys, never a good one.
// Admin changes (revoke, rotate, expiry, allowlist, account deletion) therefore take effect on every
// instance within `cacheMs`; expiry itself is checked against the clock on every request. A key in use is
// read again in the background once its entry is three quarters of `cacheMs` old, so a busy key's requests
// never wait on that read; an entry is still never used past `cacheMs`, so the bound holds.
import { AuthenticationError, PermissionDeniedError, ServiceUnavailableError } from '../wire/errors';
import { IpAllowlist } from './admin/cidr';
import { detached } from './background';
import type { Clock } from './clock';
import { hashApiKey, isWellFormedKey } from './keys';
import { LastUsedRecorder } from './last-used';
import type { AccountRecord, KeyRecord, KeyStore } from './records';

export interface AuthContext {
  key: KeyRecord;
  account: AccountRecord;
}

interface CacheEntry {
  value: AuthContext | undefined;
  /** The key's allowlist, compiled once per cache fill. */
  allowlist?: IpAllowlist;
  expires: number;
  /** From then on, a request that uses the entry starts reading it again in the background. */
  refreshAt: number;
  refreshing?: boolean;
}

const MAX_KNOWN = 10_000;
const MAX_REFUSED = 5_000;
/** Well-formed but never issued: account ids have 16 base62 characters after the prefix. */
const NO_ACCOUNT = 'acct_0000000000000000';
const UNAUTHORIZED = 'Incorrect API key provided. You can find your API key in your OriginalPoint account.';

/** A map that forgets its oldest entry past `max` (insertion order: entries are replaced, not touched). */
class Bounded<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: string, value: V): this {
    this.delete(key);
    if (this.size >= this.max) this.delete(this.keys().next().value as string);
    return super.set(key, value);
  }
}

export class KeyAuthenticator {
  /** Keys that authenticated (and their accounts). */
  private readonly known: Bounded<CacheEntry>;
  /** Everything else: unknown, revoked, or an account that is gone. */
  private readonly refused: Bounded<CacheEntry>;
  private readonly lastUsed: LastUsedRecorder;

  constructor(
    private readonly store: KeyStore,
    private readonly clock: Clock,
    private readonly cacheMs: number,
    sizes: { known?: number; refused?: number } = {},
  ) {
    this.lastUsed = new LastUsedRecorder(store, clock);
    this.known = new Bounded(sizes.known ?? MAX_KNOWN);
    this.refused = new Bounded(sizes.refused ?? MAX_REFUSED);
  }

  /**
   * Resolves an API key (as the dialect found it: a Bearer token or an x-api-key header) to its key and
   * account, or throws 401 invalid_api_key; 403 ip_not_allowed when the key has an allowlist without
   * `sourceIp` (the address the platform saw, never X-Forwarded-For).
   */
  async authenticate(token: string | undefined, sourceIp: string): Promise<AuthContext> {
    if (!token) {
      throw new AuthenticationError(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        { code: 'missing_api_key' },
      );
    }
    if (!isWellFormedKey(token)) throw new AuthenticationError(UNAUTHORIZED);
    const entry = await this.lookup(hashApiKey(token));
    const ctx = entry.value;
    const now = this.clock.now();
    // The same message for every reason, so a caller learns nothing about keys it does not hold.
    if (!ctx || ctx.key.status !== 'active' || (ctx.key.expiresAt && Date.parse(ctx.key.expiresAt) <= now)) {
      throw new AuthenticationError(UNAUTHORIZED);
    }
    if (entry.allowlist && !entry.allowlist.allows(sourceIp)) {
      throw new PermissionDeniedError(`This API key does not accept requests from IP address ${sourceIp || '(unknown)'}.`, {
        code: 'ip_not_allowed',
      });
    }
    this.lastUsed.note(ctx.key);
    return ctx;
  }

  /** Waits for last-used writes started by earlier requests; the edge calls it after the response. */
  settle(): Promise<void> {
    return this.lastUsed.settle();
  }

  /** Drops cached entries, e.g. after the local admin API changed a key in this same process. */
  forget(hash?: string): void {
    for (const cache of [this.known, this.refused]) {
      if (hash) cache.delete(hash);
      else cache.clear();
    }
  }

  private async lookup(hash: string): Promise<CacheEntry> {
    const now = this.clock.now();
    const hit = this.known.get(hash) ?? this.refused.get(hash);
    if (hit && hit.expires > now) {
      if (hit.value && now >= hit.refreshAt && !hit.refreshing) {
        hit.refreshing = true;
        // A failure leaves the entry to expire; the request that then finds it expired reads in the foreground.
        detached(() => this.fetch(hash)).catch(() => (hit.refreshing = false));
      }
      return hit;
    }
    return this.fetch(hash);
  }

  private async fetch(hash: string): Promise<CacheEntry> {
    const now = this.clock.now();
    let key: KeyRecord | undefined;
    let account: AccountRecord | undefined;
    try {
      key = await this.store.getKeyByHash(hash);
      // The account is read whether or not the key exists (an unknown key reads an id no account has), so
      // an unknown key and a revoked one cost the same store work and answer in the same time.
      account = await this.store.getAccount(key?.accountId ?? NO_ACCOUNT);
    } catch (err) {
      // Without the store a key cannot be verified: never admit, never blame the caller's key.
      throw new ServiceUnavailableError('API keys cannot be verified right now. Please retry shortly.', {
        code: 'auth_unavailable',
        cause: err,
        // Spread, so that clients refused together do not come back together.
        headers: { 'retry-after': String(1 + Math.floor(Math.random() * 5)) },
      });
    }
    const value = key && account ? { key, account } : undefined;
    const allowlist = key?.ipAllowlist?.length ? new IpAllowlist(key.ipAllowlist) : undefined;
    const entry: CacheEntry = { value, expires: now + this.cacheMs, refreshAt: now + (this.cacheMs * 3) / 4, ...(allowlist ? { allowlist } : {}) };
    const good = value?.key.status === 'active';
    (good ? this.known : this.refused).set(hash, entry);
    (good ? this.refused : this.known).delete(hash);
    return entry;
  }
}
