// The one owner of a generation request's life: authenticate -> parse (the dialect's) -> plan the route ->
// admit against the key's limits -> call with fallback -> stream -> settle. Whatever dialect the request came
// in through, everything the gateway adds happens here, once, on the canonical model. Settlement happens in
// exactly one place, `finalize`, which the edge calls once after the last byte however the request ended:
// a whole answer, a stream run to its end, a stream the client left, or an error after admission. Before
// admission nothing is held, so failures there are simply thrown (with the key's rate-limit headers).
import { ClientClosedError, GatewayError, UpstreamError, toGatewayError } from '../wire/errors';
import type { DialectId } from '../dialects/registry';
import type { AuthContext } from './auth';
import { resultText } from './canonical/accumulate';
import { prepareConversation } from './canonical/conversation';
import { freeformNames, freeformResult, freeformStream } from './canonical/freeform';
import type { CanonicalRequest } from './canonical/request';
import { isContent, isToken, type CanonicalResult, type FinishReason, type StreamPart } from './canonical/result';
import type { Usage } from './canonical/usage';
import type { ModelSpec } from './catalog';
import type { GatewayDeps } from './deps';
import {
  FallbackExhausted,
  completeWithFallback,
  fallbacksOf,
  formatAttempts,
  streamWithFallback,
  targetsFor,
  type Attempt,
  type FallbackContext,
  type Target,
} from './fallback';
import { randomBase62 } from './keys';
import { modelAccess } from './model-access';
import { Admission, logError } from './limits/admission';
import { worstCaseNano } from './limits/budget';
import { checkMaxTokens, outputCap, reservationFor } from './limits/policy';
import type { RequestContext } from './result';
import { planRoute, type RoutingPlan } from './routing';
import { formatViolation, outputCheck, type OutputCheck } from './structured-output';
import { buildRecord, meteredUsage } from './usage/build';
import { encodeRecord } from './usage/record';
import type { UsageStatus } from './usage/record';

const DAY_MS = 86_400_000;

export interface GenerationSpec {
  dialect: DialectId;
  /** The API key the dialect found in the request (Bearer or x-api-key), if any. */
  credential: string | undefined;
  /** The dialect's parser: raw body to canonical request, 400s naming the field. Runs after authentication. */
  parse(auth: AuthContext): CanonicalRequest | Promise<CanonicalRequest>;
}

/** Who served, and why: what every dialect puts on its answer. */
export interface Served {
  model: ModelSpec;
  provider: string;
  mode: RoutingPlan['mode'];
  reason: string;
  attempts: readonly Attempt[];
}

export type Outcome =
  | { kind: 'complete'; result: CanonicalResult; served: Served }
  /** Parts in canonical order; `finish` always carries usage (the provider's, or the estimate). */
  | { kind: 'stream'; parts: AsyncIterable<StreamPart>; served: Served }
  | { kind: 'error'; error: GatewayError };

export interface Exchange {
  auth: AuthContext;
  request: CanonicalRequest;
  /** When the request arrived (epoch ms, the injected clock). */
  started: number;
  /** Gateway time until the outcome was known (the whole answer, or the first token). */
  latencyMs: number;
  outcome: Outcome;
  /** The key's rate-limit headers and the routing headers, for the answer whatever shape it takes. */
  headers: Record<string, string>;
  /** The id of the answer the client will see; the dialect sets it before rendering. */
  answerId?: string;
  /** Settles the request: called by the edge after the last byte, exactly once, however it ended. */
  finalize(): Promise<void>;
}

/** Settlements running in this process. A Lambda invocation awaits its own; a local server shutting down awaits all. */
const inFlight = new Set<Promise<void>>();

export async function settlementsDone(): Promise<void> {
  while (inFlight.size) await Promise.allSettled([...inFlight]);
}

function routingHeaders(served: Served, latencyMs: number): Record<string, string> {
  return {
    'x-op-routing-used': served.model.id,
    'x-op-routing-reason': served.reason,
    'x-op-latency-ms': String(latencyMs),
    'x-op-attempts': formatAttempts(served.attempts),
  };
}

/** The key's rate-limit headers on an error, without overriding what the error set itself. */
async function withHeaders(err: unknown, admission: Admission): Promise<GatewayError> {
  const error = toGatewayError(err);
  for (const [name, value] of Object.entries(await admission.headers())) error.headers[name] ??= value;
  return error;
}

export async function generate(spec: GenerationSpec, ctx: RequestContext, deps: GatewayDeps): Promise<Exchange> {
  const started = deps.clock.now();
  const auth = await deps.auth.authenticate(spec.credential, ctx.sourceIp);
  const admission = new Admission(deps, auth);
  let request: CanonicalRequest;
  let plan: RoutingPlan;
  let check: OutputCheck | undefined;
  let promptEstimate: number;
  try {
    const parsing = spec.parse(auth);
    const parsed = parsing instanceof Promise ? await parsing : parsing;
    request = { ...parsed, messages: prepareConversation(parsed.messages) };
    const access = modelAccess(auth);
    plan = planRoute(request, deps.catalog, {
      planMaxTokens: admission.limits.maxTokensPerRequest,
      ...deps.health?.routingInputs(),
      ...(access.restricted ? { allowed: access.allows } : {}),
    });
    ctx.trace?.planned(plan, request, spec.dialect);
    checkMaxTokens(request, admission.limits);
    check = await outputCheck(request.output);
    const reservation = reservationFor(request, plan.models, admission.limits);
    promptEstimate = reservation.promptTokens;
    // The byte bound behind the worst case reads the whole prompt: only worth it when a budget will use it.
    const budgeted = auth.key.budget !== undefined || auth.account.budget !== undefined;
    await admission.admit(reservation.reserved, budgeted ? worstCaseNano(request, plan.models, admission.limits) : 0);
  } catch (err) {
    throw await withHeaders(err, admission);
  }
  return new Admitted(spec.dialect, auth, request, plan, admission, check, promptEstimate, started, ctx, deps).run();
}

/**
 * Whether an answer that ended this way must match the requested format. Not one that calls the client's
 * tools instead of answering, nor one the request's own token cap cut short: that is returned as it came,
 * with its `length` finish, as OpenAI does, and is no fault of the route.
 */
const heldToFormat = (reason: FinishReason) => reason !== 'tool_calls' && reason !== 'length';

/** One admitted request, from the first upstream call to its settlement. */
class Admitted {
  private target?: Target;
  private usage?: Usage;
  private pieces = 0;
  private firstContentAt?: number;
  private observing = false;
  private settlement?: Promise<void>;
  private resolveStatus!: (s: { status: UsageStatus; errorCode?: string }) => void;
  private readonly status = new Promise<{ status: UsageStatus; errorCode?: string }>((resolve) => (this.resolveStatus = resolve));
  private exchange?: Exchange;

  constructor(
    private readonly dialect: DialectId,
    private readonly auth: AuthContext,
    private readonly request: CanonicalRequest,
    private readonly plan: RoutingPlan,
    private readonly admission: Admission,
    private readonly check: OutputCheck | undefined,
    private readonly promptEstimate: number,
    private readonly started: number,
    private readonly ctx: RequestContext,
    private readonly deps: GatewayDeps,
  ) {}

  async run(): Promise<Exchange> {
    const fallback: FallbackContext = {
      targets: targetsFor(this.plan.models, this.deps.providers),
      call: (target, signal) => ({
        request: this.request,
        upstreamModel: target.route.upstreamModel,
        maxTokens: outputCap(this.request, target.model, this.admission.limits),
        model: { reasoning: target.model.capabilities.reasoning },
        signal,
      }),
      signal: this.ctx.signal,
      limits: this.deps.config.upstream,
      observer: this.deps.health,
      onAttempt: (attempt) => this.ctx.trace?.attempt(attempt),
    };
    let outcome: Outcome;
    try {
      outcome = this.request.stream ? await this.startStream(fallback) : await this.complete(fallback);
    } catch (err) {
      outcome = { kind: 'error', error: this.failed(err) };
    }
    const latencyMs = this.deps.clock.now() - this.started;
    const headers = { ...(await this.admission.headers()), ...(outcome.kind === 'error' ? outcome.error.headers : routingHeaders(outcome.served, latencyMs)) };
    this.exchange = { auth: this.auth, request: this.request, started: this.started, latencyMs, outcome, headers, finalize: () => this.finalize() };
    return this.exchange;
  }

  private served(target: Target, attempts: readonly Attempt[]): Served {
    this.target = target;
    return { model: target.model, provider: target.route.provider, mode: this.plan.mode, reason: this.plan.reason, attempts };
  }

  private async complete(fallback: FallbackContext): Promise<Outcome> {
    const check = this.check;
    const won = await completeWithFallback(
      fallback,
      check
        ? (result, target) => {
            if (!heldToFormat(result.reason)) return;
            const why = check(resultText(result.content));
            if (why) throw formatViolation(target.route.provider, why);
          }
        : undefined,
    );
    this.usage = won.value.usage;
    this.firstContentAt = this.deps.clock.now();
    this.resolveStatus({ status: 'ok' });
    return { kind: 'complete', result: freeformResult(won.value, freeformNames(this.request)), served: this.served(won.target, won.attempts) };
  }

  private async startStream(fallback: FallbackContext): Promise<Outcome> {
    const won = await streamWithFallback(fallback);
    const served = this.served(won.target, won.attempts);
    const parts = this.observe(won.value.first, won.value.rest, () => (won.done(), won.controller.abort()));
    return { kind: 'stream', parts: freeformStream(parts, freeformNames(this.request)), served };
  }

  /**
   * Follows a stream to its end, whichever way it ends: counts content for the cut-stream estimate, fills
   * in usage where the provider reported none, holds the answer to the requested format, and records how
   * it ended. Returning early (the edge stops reading) happens only when the client went away.
   */
  private async *observe(first: StreamPart[], rest: AsyncIterator<StreamPart>, stop: () => void): AsyncGenerator<StreamPart> {
    this.observing = true;
    let status: { status: UsageStatus; errorCode?: string } = { status: 'client_disconnected' };
    let text = '';
    let calledTools = false;
    const pass = (part: StreamPart): StreamPart => {
      if (isContent(part)) {
        if (isToken(part)) this.firstContentAt ??= this.deps.clock.now();
        if (part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'tool-input-delta') this.pieces++;
        if (part.type === 'text-delta') text += part.text;
        if (part.type === 'tool-input-start') calledTools = true;
        return part;
      }
      if (part.type !== 'finish') return part;
      if (this.check && !calledTools && heldToFormat(part.reason)) {
        const why = this.check(text);
        if (why) throw formatViolation(this.target?.route.provider ?? 'upstream', why);
      }
      if (part.usage) {
        this.usage = part.usage;
        return part;
      }
      return { ...part, usage: meteredUsage({ status: 'ok', promptEstimate: this.promptEstimate, pieces: this.pieces }).usage };
    };
    try {
      for (const part of first) yield pass(part);
      for (;;) {
        const next = await rest.next();
        if (next.done) break;
        yield pass(next.value);
      }
      status = { status: 'ok' };
    } catch (err) {
      const error = this.ctx.signal.aborted ? new ClientClosedError() : toGatewayError(err);
      status = this.ctx.signal.aborted ? { status: 'client_disconnected' } : { status: 'stream_error', errorCode: error.code ?? undefined };
      if (!this.ctx.signal.aborted) this.ctx.trace?.failed(error);
      throw error;
    } finally {
      // Reached on normal end, on an upstream error and when the client went away: stop the upstream too.
      stop();
      this.resolveStatus(status);
    }
  }

  private failed(err: unknown): GatewayError {
    if (this.ctx.signal.aborted) {
      this.resolveStatus({ status: 'client_disconnected' });
      return new ClientClosedError();
    }
    const error = toGatewayError(err);
    const upstream = error instanceof UpstreamError || error instanceof FallbackExhausted;
    this.resolveStatus({ status: upstream ? 'upstream_error' : 'error', errorCode: error.code ?? undefined });
    this.ctx.trace?.failed(error);
    return error;
  }

  /** Settles once, whoever asks first. */
  private finalize(): Promise<void> {
    if (!this.settlement) {
      // A stream the edge never started reading (it failed first) will not report how it ended.
      if (this.exchange?.outcome.kind === 'stream' && !this.observing) this.resolveStatus({ status: 'client_disconnected' });
      const settlement = this.settle().catch((err: unknown) => logError('settlement failed', err));
      inFlight.add(settlement);
      void settlement.finally(() => inFlight.delete(settlement));
      this.settlement = settlement;
    }
    return this.settlement;
  }

  private async settle(): Promise<void> {
    const { status, errorCode } = await this.status;
    const attempts = this.ctx.trace?.attempts ?? [];
    const record = buildRecord({
      requestId: this.ctx.requestId,
      ...(this.exchange?.answerId ? { completionId: this.exchange.answerId } : {}),
      keyId: this.auth.key.keyId,
      accountId: this.auth.account.accountId,
      dialect: this.dialect,
      requestedModel: this.request.model,
      stream: this.request.stream,
      routingMode: this.plan.mode,
      routingReason: this.plan.reason,
      fallbacks: fallbacksOf(attempts),
      ...(this.target ? { served: { model: this.target.model, provider: this.target.route.provider } } : {}),
      usage: this.usage,
      promptEstimate: this.promptEstimate,
      pieces: this.pieces,
      started: this.started,
      firstContentAt: this.firstContentAt,
      ended: this.deps.clock.now(),
      status,
      errorCode,
    });
    // One write: the counters settle and the record rides along to the usage aggregator (core/usage).
    await this.admission.settle(record.totalTokens, record.costNanoUsd, encodeRecord(record));
  }
}

/** Serves an authenticated /v1 request that generates nothing, with the key's current rate-limit headers. */
export async function serveKeyed<T>(
  credential: string | undefined,
  ctx: RequestContext,
  deps: GatewayDeps,
  serve: (auth: AuthContext) => Promise<T>,
): Promise<{ value: T; headers: Record<string, string> }> {
  const auth = await deps.auth.authenticate(credential, ctx.sourceIp);
  const admission = new Admission(deps, auth);
  try {
    const value = await serve(auth);
    return { value, headers: await admission.headers() };
  } catch (err) {
    throw await withHeaders(err, admission);
  }
}

