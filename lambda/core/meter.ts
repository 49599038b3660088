// One /v1 request's limits and usage: admission before the upstream call, the X-RateLimit-* headers on
// whatever the response turns out to be, and settlement after the last byte (tokens to the real usage,
// the concurrency slot back, the usage record written once).
import { RateLimitError, ServiceUnavailableError, UpstreamError, toGatewayError, type GatewayError } from '../openai/errors';
import type { ChatCompletionChunk, ChatRequest, StreamPiece, Usage } from '../openai/types';
import type { AuthContext } from './auth';
import type { ModelSpec } from './catalog';
import type { GatewayDeps } from './deps';
import type { Target } from './fallback';
import { randomBase62 } from './keys';
import { rateLimitHeaders, retryAfterSeconds } from './limits/headers';
import { Limiter, type Ticket } from './limits/limiter';
import { LIMIT_LABELS, checkMaxTokens, outputCap, reservationFor, type LimitName } from './limits/policy';
import { windowsAt } from './limits/windows';
import { limitsFor, type Limits } from './plans';
import type { CoreResult, RequestContext } from './result';
import type { RoutingPlan } from './routing';
import { writeUsage } from './usage/ledger';
import { buildRecord } from './usage/build';
import type { UsageStatus } from './usage/record';

export type MeterDeps = Pick<GatewayDeps, 'config' | 'store' | 'clock'>;

interface Outcome {
  status: UsageStatus;
  errorCode?: string;
}

const DAY_MS = 86_400_000;

/** Settlements running in this process. A Lambda invocation awaits its own; a local server shutting down awaits all. */
const inFlight = new Set<Promise<void>>();

export async function settlementsDone(): Promise<void> {
  while (inFlight.size) await Promise.allSettled([...inFlight]);
}

function log(message: string, err: unknown): void {
  // Ids and error names only: never a key, a prompt or an answer.
  console.error(JSON.stringify({ level: 'error', message, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }));
}

export class RequestMeter {
  readonly limits: Limits;
  private readonly limiter: Limiter;
  /** Rate-limit headers, once known (at admission or refusal). */
  private headers?: Record<string, string>;
  private ticket?: Ticket;
  /** Past admission (or admission skipped): the request will be settled and recorded. */
  private metered = false;
  private storeDown = false;
  private request?: ChatRequest;
  private plan?: RoutingPlan;
  private promptEstimate = 0;
  private target?: Target;
  private completionId?: string;
  private usage?: Usage;
  private pieces = 0;
  private firstContentAt?: number;
  private heartbeat?: ReturnType<typeof setInterval>;
  private observing = false;
  private settlement?: Promise<void>;
  private resolveOutcome!: (o: Outcome) => void;
  private readonly outcome = new Promise<Outcome>((resolve) => (this.resolveOutcome = resolve));

  constructor(
    private readonly deps: MeterDeps,
    readonly auth: AuthContext,
    private readonly ctx: RequestContext,
    private readonly started: number,
  ) {
    this.limits = limitsFor(auth.account);
    this.limiter = new Limiter(deps.store.limits);
  }

  /** The output cap sent upstream for a model (the plan's maximum when the caller set none). */
  maxTokens(request: ChatRequest, model: ModelSpec): number {
    return outputCap(request, model, this.limits);
  }

  /**
   * Checks max_tokens against the plan, then reserves: one parallel round of conditional updates. Throws
   * 400 (max_tokens), 429 (a limit is full) or 503 (store unreachable, unless OP_STORE_FAILURE_MODE=open).
   */
  async admit(request: ChatRequest, plan: RoutingPlan): Promise<void> {
    checkMaxTokens(request, this.limits);
    this.request = request;
    this.plan = plan;
    const { promptTokens, reserved } = reservationFor(request, plan.models, this.limits);
    this.promptEstimate = promptTokens;
    const { config, clock } = this.deps;
    if (!config.limits.enabled) {
      this.metered = true;
      this.headers = { 'x-op-limits': 'off' };
      return;
    }
    const now = clock.now();
    const windows = windowsAt(now);
    const keyId = this.auth.key.keyId;
    let outcome;
    try {
      outcome = await this.limiter.admit({
        keyId,
        limits: this.limits,
        reserved,
        leaseId: this.ctx.requestId,
        leaseExpiresAt: now + config.limits.leaseMs,
        windows,
        now,
      });
    } catch (err) {
      this.storeDown = true;
      if (config.storeFailureMode === 'open') {
        // Documented choice (OP_STORE_FAILURE_MODE=open): serve, and say so on the response.
        log('limits store unreachable; serving unmetered', err);
        this.metered = true;
        this.headers = { 'x-op-limits': 'unmetered' };
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
      this.headers = values ? rateLimitHeaders(this.limits, values, windows) : {};
      const retryAfter = retryAfterSeconds(outcome.limit, windows, now);
      throw new RateLimitError(refusalMessage(outcome.limit, this.limits, outcome.tooLarge, reserved, retryAfter), {
        headers: { ...this.headers, 'retry-after': String(retryAfter) },
      });
    }
    this.ticket = outcome.ticket;
    this.metered = true;
    this.headers = rateLimitHeaders(this.limits, outcome.values, windows);
    if (outcome.ticket.leaseId) this.keepLeaseAlive(outcome.ticket);
  }

  /** A non-streamed answer: its usage is what gets metered. */
  completed(target: Target, usage: Usage, completionId: string): void {
    this.target = target;
    this.completionId = completionId;
    this.usage = usage;
    this.firstContentAt = this.deps.clock.now();
  }

  /** A stream has started on `target`. */
  streaming(target: Target, completionId: string): void {
    this.target = target;
    this.completionId = completionId;
  }

  /** Every upstream piece of a stream passes here: the usage report, and content for the cut-stream estimate. */
  onPiece(piece: StreamPiece): void {
    if (piece.usage) this.usage = piece.usage;
    if (piece.delta?.content || piece.delta?.tool_calls?.length) {
      this.pieces++;
      this.firstContentAt ??= this.deps.clock.now();
    }
  }

  /** Runs the request; the result (or error) leaves with the rate-limit headers and a settlement. */
  async run(serve: () => Promise<CoreResult>): Promise<CoreResult> {
    let result: CoreResult;
    try {
      result = await serve();
    } catch (err) {
      throw await this.failed(err);
    }
    const headers = { ...result.headers, ...(await this.currentHeaders()) };
    const before = result.finalize;
    const finalize = async () => {
      await before?.();
      await this.settle();
    };
    if (result.kind === 'json') {
      this.resolveOutcome({ status: 'ok' });
      return { ...result, headers, finalize };
    }
    const chunks = this.observe(result.chunks);
    const streamFinalize = async () => {
      // A stream the edge never started reading (it failed first) will not report how it ended.
      if (!this.observing) this.resolveOutcome({ status: 'client_disconnected' });
      await finalize();
    };
    return { ...result, headers, chunks, finalize: streamFinalize };
  }

  /** Headers for a response that involves no admission (GET /v1/models): the current counters, read only. */
  async currentHeaders(): Promise<Record<string, string>> {
    if (this.headers) return this.headers;
    if (this.storeDown || !this.deps.config.limits.enabled) return {};
    const windows = windowsAt(this.deps.clock.now());
    try {
      const values = await this.limiter.read(this.auth.key.keyId, windows);
      return (this.headers = rateLimitHeaders(this.limits, values, windows));
    } catch (err) {
      log('limits store unreachable; response goes without rate-limit headers', err);
      return {};
    }
  }

  /** Follows a stream to its end, whichever way it ends, and records how it ended. */
  private async *observe(chunks: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
    this.observing = true;
    let outcome: Outcome = { status: 'client_disconnected' };
    try {
      for await (const chunk of chunks) yield chunk;
      outcome = { status: 'ok' };
    } catch (err) {
      outcome = this.ctx.signal.aborted ? { status: 'client_disconnected' } : { status: 'stream_error', errorCode: toGatewayError(err).code ?? undefined };
      throw err;
    } finally {
      // Reached early (return() from the edge) only when the client went away.
      this.resolveOutcome(outcome);
    }
  }

  private async failed(err: unknown): Promise<GatewayError> {
    const error = toGatewayError(err);
    if (this.metered) {
      const status: UsageStatus = this.ctx.signal.aborted ? 'client_disconnected' : err instanceof UpstreamError || error.code === 'all_routes_failed' ? 'upstream_error' : 'error';
      this.resolveOutcome({ status, errorCode: error.code ?? undefined });
      // After the error response's last byte when the edge offers it; inline otherwise.
      if (this.ctx.defer) this.ctx.defer(() => this.settle());
      else await this.settle();
    }
    for (const [name, value] of Object.entries(await this.currentHeaders())) error.headers[name] ??= value;
    return error;
  }

  private keepLeaseAlive(ticket: Ticket): void {
    const { leaseMs } = this.deps.config.limits;
    this.heartbeat = setInterval(() => {
      this.limiter.renew(ticket, this.deps.clock.now() + leaseMs).catch((err: unknown) => log('lease renewal failed', err));
    }, Math.floor(leaseMs / 3));
    this.heartbeat.unref();
  }

  /** Settles once, whoever asks first (the result's finalize or the edge's deferred work). */
  private settle(): Promise<void> {
    if (!this.settlement) {
      const settlement = this.doSettle().catch((err: unknown) => log('settlement failed', err));
      inFlight.add(settlement);
      void settlement.finally(() => inFlight.delete(settlement));
      this.settlement = settlement;
    }
    return this.settlement;
  }

  private async doSettle(): Promise<void> {
    const outcome = await this.outcome;
    clearInterval(this.heartbeat);
    if (!this.metered || !this.request) return;
    const record = buildRecord({
      requestId: this.ctx.requestId,
      completionId: this.completionId,
      keyId: this.auth.key.keyId,
      accountId: this.auth.account.accountId,
      request: this.request,
      routingMode: this.plan?.mode ?? 'explicit',
      ...(this.target ? { served: { model: this.target.model, provider: this.target.route.provider } } : {}),
      usage: this.usage,
      promptEstimate: this.promptEstimate,
      pieces: this.pieces,
      started: this.started,
      firstContentAt: this.firstContentAt,
      ended: this.deps.clock.now(),
      status: outcome.status,
      errorCode: outcome.errorCode,
    });
    const { config, store, clock } = this.deps;
    const work: Array<Promise<unknown>> = [
      writeUsage(store.usage, record, clock.now() + config.usageRetentionDays * DAY_MS, randomBase62(16)),
    ];
    if (this.ticket) work.push(this.limiter.settle(this.ticket, record.totalTokens));
    const results = await Promise.allSettled(work);
    for (const r of results) if (r.status === 'rejected') log('settlement step failed', r.reason);
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

/** Serves an authenticated /v1 request that is not metered, with the key's current rate-limit headers. */
export function withRateLimitHeaders(deps: MeterDeps, auth: AuthContext, ctx: RequestContext, serve: () => Promise<CoreResult>): Promise<CoreResult> {
  return new RequestMeter(deps, auth, ctx, deps.clock.now()).run(serve);
}
