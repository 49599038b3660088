// One request's place in its key's limits: admission before the upstream call (one conditional write),
// the X-RateLimit-* headers of whatever the answer turns out to be, the lease kept alive while the request
// runs, and settlement (tokens to the real usage, the slot back, the usage record stored) after the last
// byte. The lifecycle (core/lifecycle.ts) owns when each happens; this owns how.
import { QuotaExceededError, RateLimitError, ServiceUnavailableError } from '../../wire/errors';
import type { AuthContext } from '../auth';
import type { GatewayDeps } from '../deps';
import { limitsFor, type Limits } from '../plans';
import { rateLimitHeaders, retryAfterSeconds } from './headers';
import { toNano } from './budget';
import { AccountBudget, budgetExceeded, budgetHeaders, reportCrossings, type BudgetState } from './budget-guard';
import { Limiter, type Ticket } from './limiter';
import type { CounterValues } from './port';
import { LIMIT_LABELS, type LimitName } from './policy';
import { leaseEpochMs, windowsAt, type Windows } from './windows';

export type AdmissionDeps = Pick<GatewayDeps, 'config' | 'store' | 'clock' | 'telemetry'>;

/** A store that cannot be reached is asked again after 1 to 5 s, spread so that clients do not return together. */
const RETRY_AFTER_SPREAD_S = 5;

export function logError(message: string, err: unknown): void {
  // Ids and error names only: never a key, a prompt or an answer.
  console.error(JSON.stringify({ level: 'error', message, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }));
}

export class Admission {
  readonly limits: Limits;
  private readonly limiter: Limiter;
  private readonly account: AccountBudget;
  /** Rate-limit and budget headers, once known (at admission or refusal). */
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
    this.account = new AccountBudget(this.limiter, auth.account);
  }

  /**
   * Reserves 1 request, `reserved` tokens and, against each budget, `worstCaseNano` (the most the request
   * can cost): 429 when a limit or a budget is full, 503 when the store cannot be reached (unless
   * OP_STORE_FAILURE_MODE=open, which serves unmetered and says so).
   */
  async admit(reserved: number, worstCaseNano = 0): Promise<void> {
    const { config, clock } = this.deps;
    if (!config.limits.enabled) {
      this.admitted = true;
      this.known = { 'x-op-limits': 'off' };
      return;
    }
    const now = clock.now();
    const windows = windowsAt(now);
    const keyId = this.auth.key.keyId;
    const keyBudget = this.auth.key.budget;
    let outcome;
    let accountValues: CounterValues | undefined;
    try {
      if (this.account.budget) accountValues = await this.account.admit(worstCaseNano, windows, now, config.limits.leaseMs);
      outcome = await this.limiter
        .admit({
          keyId,
          limits: this.limits,
          reserved,
          windows,
          now,
          leaseMs: config.limits.leaseMs,
          ...(keyBudget ? { budget: { limitNano: toNano(keyBudget.limitUsd), period: keyBudget.period, reserved: worstCaseNano } } : {}),
        })
        .catch(async (err: unknown) => {
          await this.releaseAccount(now);
          throw err;
        });
    } catch (err) {
      if (err instanceof QuotaExceededError) {
        this.known = await this.readHeaders(windows, now);
        Object.assign(err.headers, this.known, err.headers);
        throw err;
      }
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
      await this.releaseAccount(now);
      const values = outcome.values ?? (await this.limiter.read(keyId, this.limits, windows, now, config.limits.leaseMs, keyBudget?.period).catch(() => undefined));
      this.known = { ...(values ? rateLimitHeaders(this.limits, values, windows) : {}), ...this.budgetHeaders(values, accountValues, now) };
      if (outcome.limit === 'budget') {
        const error = budgetExceeded('key', keyBudget!, values?.budgetSpent ?? 0, worstCaseNano, outcome.tooLarge, now);
        Object.assign(error.headers, this.known, error.headers);
        throw error;
      }
      const retryAfter = retryAfterSeconds(outcome.limit, windows, now);
      throw new RateLimitError(refusalMessage(outcome.limit, this.limits, outcome.tooLarge, reserved, retryAfter), {
        headers: { ...this.known, 'retry-after': String(retryAfter) },
      });
    }
    this.ticket = outcome.ticket;
    this.admitted = true;
    this.known = { ...rateLimitHeaders(this.limits, outcome.values, windows), ...this.budgetHeaders(outcome.values, accountValues, now) };
    if (outcome.ticket.leaseEpoch !== undefined) this.keepLeaseAlive(outcome.ticket);
  }

  /** The key's rate-limit and budget headers: as admission left them, or read now (answers that admit nothing). */
  async headers(): Promise<Record<string, string>> {
    if (this.known) return this.known;
    if (this.storeDown || !this.deps.config.limits.enabled) return {};
    const now = this.deps.clock.now();
    try {
      return (this.known = await this.readHeaders(windowsAt(now), now));
    } catch (err) {
      logError('limits store unreachable; response goes without rate-limit headers', err);
      return {};
    }
  }

  /**
   * Moves the reservations to what the request used and cost, gives the slot back and stores the usage
   * record; reports a budget that this request took across 50, 80 or 100%.
   */
  async settle(usedTokens: number, costNano: number, record: string): Promise<void> {
    clearInterval(this.heartbeat);
    const now = this.deps.clock.now();
    const { store, telemetry } = this.deps;
    const accountSettled = await this.account.settle(costNano, now);
    if (this.account.budget) await reportCrossings(store.events, telemetry, this.auth, 'account', this.account.budget, accountSettled, costNano, now);
    if (!this.ticket) {
      await this.limiter.record(this.auth.key.keyId, record, now);
      return;
    }
    const settled = await this.limiter.settle(this.ticket, usedTokens, costNano, record, now);
    // A sharded key's shards hold equal shares: its first shard speaks for the whole.
    const { budget } = this.auth.key;
    if (budget && this.ticket.ref.shard === 0 && settled.budgetSettled !== undefined) {
      const n = this.ticket.shards;
      await reportCrossings(store.events, telemetry, this.auth, 'key', budget, settled.budgetSettled * n, costNano * n, now);
    }
  }

  private async releaseAccount(now: number): Promise<void> {
    await this.account.settle(0, now).catch((err: unknown) => logError('account budget release failed', err));
  }

  private budgetHeaders(keyValues: CounterValues | undefined, accountValues: CounterValues | undefined, now: number): Record<string, string> {
    const states: BudgetState[] = [];
    if (this.auth.key.budget) states.push({ scope: 'key', budget: this.auth.key.budget, spentNano: keyValues?.budgetSpent ?? 0 });
    if (this.account.budget) states.push({ scope: 'account', budget: this.account.budget, spentNano: accountValues?.budgetSpent ?? 0 });
    return budgetHeaders(states, now);
  }

  private async readHeaders(windows: Windows, now: number): Promise<Record<string, string>> {
    const { leaseMs } = this.deps.config.limits;
    const [values, accountValues] = await Promise.all([
      this.limiter.read(this.auth.key.keyId, this.limits, windows, now, leaseMs, this.auth.key.budget?.period),
      this.account.read(windows, now, leaseMs),
    ]);
    return { ...rateLimitHeaders(this.limits, values, windows), ...this.budgetHeaders(values, accountValues, now) };
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
