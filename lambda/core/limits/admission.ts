// One request's place in its key's limits: admission before the upstream call (one conditional write),
// the X-RateLimit-* headers of whatever the answer turns out to be, the lease kept alive while the request
// runs, and settlement (tokens to the real usage, the slot back, the usage record stored) after the last
// byte. The lifecycle (core/lifecycle.ts) owns when each happens; this owns how.
import { RateLimitError, ServiceUnavailableError } from '../../wire/errors';
import type { AuthContext } from '../auth';
import type { GatewayDeps } from '../deps';
import { limitsFor, type Limits } from '../plans';
import { rateLimitHeaders, retryAfterSeconds } from './headers';
import { Limiter, type Ticket } from './limiter';
import { LIMIT_LABELS, type LimitName } from './policy';
import { leaseEpochMs, windowsAt } from './windows';

export type AdmissionDeps = Pick<GatewayDeps, 'config' | 'store' | 'clock'>;

/** A store that cannot be reached is asked again after 1 to 5 s, spread so that clients do not return together. */
const RETRY_AFTER_SPREAD_S = 5;

export function logError(message: string, err: unknown): void {
  // Ids and error names only: never a key, a prompt or an answer.
  console.error(JSON.stringify({ level: 'error', message, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }));
}

export class Admission {
  readonly limits: Limits;
  private readonly limiter: Limiter;
  /** Rate-limit headers, once known (at admission or refusal). */
  private known?: Record<string, string>;
  private ticket?: Ticket;
  private storeDown = false;
  private heartbeat?: ReturnType<typeof setInterval>;
  /** Past admission (or admission skipped): the request will be settled and recorded. */
  admitted = false;

  constructor(
    private readonly deps: AdmissionDeps,
    private readonly auth: AuthContext,
    private readonly random: () => number = Math.random,
  ) {
    this.limits = limitsFor(auth.account);
    this.limiter = new Limiter(deps.store.limits, random);
  }

  /**
   * Reserves 1 request and `reserved` tokens: 429 when a limit is full, 503 when the store cannot be reached
   * (unless OP_STORE_FAILURE_MODE=open, which serves unmetered and says so).
   */
  async admit(reserved: number): Promise<void> {
    const { config, clock } = this.deps;
    if (!config.limits.enabled) {
      this.admitted = true;
      this.known = { 'x-op-limits': 'off' };
      return;
    }
    const now = clock.now();
    const windows = windowsAt(now);
    const keyId = this.auth.key.keyId;
    let outcome;
    try {
      outcome = await this.limiter.admit({ keyId, limits: this.limits, reserved, windows, now, leaseMs: config.limits.leaseMs });
    } catch (err) {
      this.storeDown = true;
      if (config.storeFailureMode === 'open') {
        logError('limits store unreachable; serving unmetered', err);
        this.admitted = true;
        this.known = { 'x-op-limits': 'unmetered' };
        return;
      }
      throw new ServiceUnavailableError('Rate limits cannot be checked right now, so the request was not sent to any model. Please retry shortly.', {
        code: 'limits_unavailable',
        cause: err,
        headers: { 'retry-after': String(1 + Math.floor(this.random() * RETRY_AFTER_SPREAD_S)) },
      });
    }
    if (!outcome.admitted) {
      const values = outcome.values ?? (await this.limiter.read(keyId, this.limits, windows, now, config.limits.leaseMs).catch(() => undefined));
      this.known = values ? rateLimitHeaders(this.limits, values, windows) : {};
      const retryAfter = retryAfterSeconds(outcome.limit, windows, now);
      throw new RateLimitError(refusalMessage(outcome.limit, this.limits, outcome.tooLarge, reserved, retryAfter), {
        headers: { ...this.known, 'retry-after': String(retryAfter) },
      });
    }
    this.ticket = outcome.ticket;
    this.admitted = true;
    this.known = rateLimitHeaders(this.limits, outcome.values, windows);
    if (outcome.ticket.leaseEpoch !== undefined) this.keepLeaseAlive(outcome.ticket);
  }

  /** The key's rate-limit headers: as admission left them, or read now (answers that admit nothing). */
  async headers(): Promise<Record<string, string>> {
    if (this.known) return this.known;
    if (this.storeDown || !this.deps.config.limits.enabled) return {};
    const now = this.deps.clock.now();
    const windows = windowsAt(now);
    try {
      const values = await this.limiter.read(this.auth.key.keyId, this.limits, windows, now, this.deps.config.limits.leaseMs);
      return (this.known = rateLimitHeaders(this.limits, values, windows));
    } catch (err) {
      logError('limits store unreachable; response goes without rate-limit headers', err);
      return {};
    }
  }

  /** Moves the reservation to what the request used, gives the slot back and stores the usage record. */
  async settle(usedTokens: number, record: string): Promise<void> {
    clearInterval(this.heartbeat);
    const now = this.deps.clock.now();
    if (this.ticket) await this.limiter.settle(this.ticket, usedTokens, record, now);
    else await this.limiter.record(this.auth.key.keyId, record, now);
  }

  private keepLeaseAlive(ticket: Ticket): void {
    const { leaseMs } = this.deps.config.limits;
    // Three looks per epoch: a new epoch is joined within a third of it, well before the lease counts as dead.
    this.heartbeat = setInterval(() => {
      const now = this.deps.clock.now();
      this.limiter.renew(ticket, windowsAt(now), now, leaseMs).then(
        (held) => held || logError('lease lost: it was reclaimed as dead before this request renewed it', new Error(ticket.ref.keyId)),
        (err: unknown) => logError('lease renewal failed', err),
      );
    }, Math.floor(leaseEpochMs(leaseMs) / 3));
    this.heartbeat.unref();
  }
}

function refusalMessage(limit: LimitName, limits: Limits, tooLarge: boolean, reserved: number, retryAfter: number): string {
  const label = LIMIT_LABELS[limit];
  const max = limits[limit];
  if (tooLarge) {
    return `Request too large for this key's limit of ${max} ${label}: it reserves ${reserved} tokens (the estimated prompt plus max_tokens). Lower max_tokens or shorten the prompt.`;
  }
  return `Rate limit reached for ${label}: this key's limit is ${max} ${label}. Please try again in ${retryAfter} s.`;
}
