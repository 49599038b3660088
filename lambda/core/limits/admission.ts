// One request's place in its key's limits: admission before the upstream call (one parallel round of
// conditional updates), the X-RateLimit-* headers of whatever the answer turns out to be, the lease kept
// alive while the request runs, and settlement (tokens to the real usage, the slot back) after the last
// byte. The lifecycle (core/lifecycle.ts) owns when each happens; this owns how.
import { RateLimitError, ServiceUnavailableError } from '../../wire/errors';
import type { AuthContext } from '../auth';
import type { GatewayDeps } from '../deps';
import { limitsFor, type Limits } from '../plans';
import { rateLimitHeaders, retryAfterSeconds } from './headers';
import { Limiter, type Ticket } from './limiter';
import { LIMIT_LABELS, type LimitName } from './policy';
import { windowsAt } from './windows';

export type AdmissionDeps = Pick<GatewayDeps, 'config' | 'store' | 'clock'>;

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
    private readonly leaseId: string,
  ) {
    this.limits = limitsFor(auth.account);
    this.limiter = new Limiter(deps.store.limits);
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
      outcome = await this.limiter.admit({ keyId, limits: this.limits, reserved, leaseId: this.leaseId, leaseExpiresAt: now + config.limits.leaseMs, windows, now });
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
        headers: { 'retry-after': '1' },
      });
    }
    if (!outcome.admitted) {
      const values = outcome.values ?? (await this.limiter.read(keyId, windows).catch(() => undefined));
      this.known = values ? rateLimitHeaders(this.limits, values, windows) : {};
      const retryAfter = retryAfterSeconds(outcome.limit, windows, now);
      throw new RateLimitError(refusalMessage(outcome.limit, this.limits, outcome.tooLarge, reserved, retryAfter), {
        headers: { ...this.known, 'retry-after': String(retryAfter) },
      });
    }
    this.ticket = outcome.ticket;
    this.admitted = true;
    this.known = rateLimitHeaders(this.limits, outcome.values, windows);
    if (outcome.ticket.leaseId) this.keepLeaseAlive(outcome.ticket);
  }

  /** The key's rate-limit headers: as admission left them, or read now (answers that admit nothing). */
  async headers(): Promise<Record<string, string>> {
    if (this.known) return this.known;
    if (this.storeDown || !this.deps.config.limits.enabled) return {};
    const windows = windowsAt(this.deps.clock.now());
    try {
      const values = await this.limiter.read(this.auth.key.keyId, windows);
      return (this.known = rateLimitHeaders(this.limits, values, windows));
    } catch (err) {
      logError('limits store unreachable; response goes without rate-limit headers', err);
      return {};
    }
  }

  /** Moves the reservation to what the request used and gives the slot back. */
  async settle(usedTokens: number): Promise<void> {
    clearInterval(this.heartbeat);
    if (this.ticket) await this.limiter.settle(this.ticket, usedTokens);
  }

  private keepLeaseAlive(ticket: Ticket): void {
    const { leaseMs } = this.deps.config.limits;
    this.heartbeat = setInterval(() => {
      this.limiter.renew(ticket, this.deps.clock.now() + leaseMs).catch((err: unknown) => logError('lease renewal failed', err));
    }, Math.floor(leaseMs / 3));
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
