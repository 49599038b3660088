// The fallback chain: try each (model, route) target in order until one starts answering. A target is
// abandoned only before any byte has reached the client, and only for failures that are the provider's
// (isProviderFault: 429, 5xx, timeouts, connection errors, no first token in time, and 401/403, which
// mean the gateway's own credentials are wrong). Failures caused by the request (400, 404, 413, 422) end
// the chain at once and go back to the client as they are.
// Bounds: at most `maxAttempts` upstream calls (targets skipped by an open breaker are not calls), each
// within `attemptTimeoutMs` (streams: also a first token within `ttftTimeoutMs`), all within
// `totalTimeoutMs`.
import { GatewayError, ServiceUnavailableError, UnprocessableEntityError, UpstreamError } from '../wire/errors';
import type { Provider, UpstreamCall } from '../providers/provider';
import type { ProviderRegistry } from '../providers/registry';
import { guardStream } from './canonical/guard';
import { isToken, type CanonicalResult, type StreamPart } from './canonical/result';
import type { ModelSpec, Route } from './catalog';
import { stopwatch } from './stopwatch';

/** Below this much time left in the request's budget, no new attempt starts. */
const MIN_ATTEMPT_MS = 5;

export interface Target {
  model: ModelSpec;
  route: Route;
  provider: Provider;
}

export interface Attempt {
  provider: string;
  model: string;
  /** "ok", an upstream status ("503"), a reason ("timeout", "ttft", "connection", "stream"), or "open": skipped, breaker open. */
  outcome: string;
  /** Until the answer started (streams: the first token) or failed. */
  ms: number;
  ttftMs?: number;
}

export interface FallbackLimits {
  ttftTimeoutMs: number;
  attemptTimeoutMs: number;
  totalTimeoutMs: number;
  maxAttempts: number;
}

/** What one upstream call came to. Streams report when they end (ms then covers the whole stream). */
export interface AttemptReport {
  ok: boolean;
  error?: UpstreamError;
  ms: number;
  ttftMs?: number;
  completionTokens?: number;
}

/** `last-resort`: skip for now, but ask `lastResort` again if every other target failed. */
export type Admission = 'call' | 'skip' | 'last-resort';

/** Hooks for provider health (core/health): which targets to call, and what each call came to. */
export interface AttemptObserver {
  /** Decided from cached state only: this runs on the hot path. */
  admit?(target: Target): Admission;
  /** Whether a `last-resort` target may be called now after all (it may wait for a probe claim). */
  lastResort?(target: Target): Promise<boolean>;
  onResult?(target: Target, report: AttemptReport): void;
}

/** Failures that say something about the provider, and so fall back. */
export function isProviderFault(error: UpstreamError): boolean {
  return error.retryable || error.upstream === 401 || error.upstream === 403;
}

/**
 * Provider faults a route's breaker counts. An answer that broke the requested schema falls back but is not
 * counted: any client can send a schema no model can meet, and one client must not open a route for all.
 */
export function countsAgainstRoute(error: UpstreamError): boolean {
  return isProviderFault(error) && error.upstream !== 'schema';
}

/**
 * Every route was tried and none served. When each of them answered and only the requested schema was not
 * met, the schema is the likelier culprit than every provider at once: a 422 naming it, not a 503.
 */
function exhausted(attempts: Attempt[]): GatewayError {
  if (attempts.length && attempts.every((a) => a.outcome === 'schema')) {
    return new UnprocessableEntityError(
      `No model produced an answer matching the requested JSON schema (${attempts.length} tried); check that the schema can be met.`,
      { param: 'response_format', code: 'schema_not_met', headers: { 'x-op-attempts': formatAttempts(attempts) } },
    );
  }
  return new FallbackExhausted(attempts);
}

/** Every route of every planned model whose provider is configured, in order: a model's own routes first. */
export function targetsFor(models: readonly ModelSpec[], providers: ProviderRegistry): Target[] {
  const out: Target[] = [];
  for (const model of models) {
    for (const route of model.routes) {
      const provider = providers.get(route.provider);
      if (provider) out.push({ model, route, provider });
    }
  }
  return out;
}

export interface FallbackContext {
  targets: readonly Target[];
  /** Builds the call for a target (the model decides the upstream id and the output cap). */
  call: (target: Target, signal: AbortSignal) => UpstreamCall;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  limits: FallbackLimits;
  observer?: AttemptObserver;
  /** Sees every attempt as it is decided (the request's log line lists them). */
  onAttempt?: (attempt: Attempt) => void;
}

export class FallbackExhausted extends ServiceUnavailableError {
  constructor(readonly attempts: Attempt[]) {
    const tried = attempts.map((a) => `${a.model} via ${a.provider}: ${a.outcome}`).join('; ');
    super(
      tried ? `Every provider route failed for this request (${tried}).` : 'No provider route is available for this request.',
      { code: 'all_routes_failed', headers: { 'x-op-attempts': formatAttempts(attempts) } },
    );
  }
}

export function outcomeOf(err: UpstreamError): string {
  return String(err.upstream);
}

interface Started<T> {
  target: Target;
  value: T;
  attempts: Attempt[];
  /** Aborts the upstream call that won; tied to the client's signal. */
  controller: AbortController;
  /** Clears the attempt's time limit once the answer is complete. */
  done: () => void;
}

type Start<T> = (target: Target, signal: AbortSignal, armTtft: () => () => void) => Promise<{ value: T; ttftMs?: number }>;

/**
 * Runs `start` against each admitted target until one succeeds, then against `last-resort` targets.
 * `start` receives an abort signal that fires on client disconnect, on the attempt's time limits, or on
 * the total time limit.
 */
async function run<T>(ctx: FallbackContext, start: Start<T>): Promise<Started<T>> {
  const attempts: Attempt[] = [];
  const elapsed = stopwatch();
  // Timers may fire a millisecond early against the monotonic clock; an attempt left with less than
  // MIN_ATTEMPT_MS could never answer, so the budget counts as spent below it.
  const remaining = () => ctx.limits.totalTimeoutMs - elapsed() - MIN_ATTEMPT_MS;
  const record = (a: Attempt) => {
    attempts.push(a);
    ctx.onAttempt?.(a);
  };
  let calls = 0;

  const attempt = async (target: Target): Promise<Started<T> | undefined> => {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    calls++;
    const { provider } = target.route;
    const controller = new AbortController();
    const onClientAbort = () => controller.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onClientAbort, { once: true });
    const limit = Math.max(1, Math.min(ctx.limits.attemptTimeoutMs, remaining() + MIN_ATTEMPT_MS));
    const attemptTimer = setTimeout(
      () => controller.abort(new UpstreamError(`${provider} did not finish within ${Math.round(limit)} ms`, 'timeout')),
      limit,
    );
    const armTtft = () => {
      const t = setTimeout(
        () => controller.abort(new UpstreamError(`${provider} sent no first token within ${ctx.limits.ttftTimeoutMs} ms`, 'ttft')),
        ctx.limits.ttftTimeoutMs,
      );
      return () => clearTimeout(t);
    };
    const done = () => {
      clearTimeout(attemptTimer);
      ctx.signal.removeEventListener('abort', onClientAbort);
    };
    const took = stopwatch();
    try {
      const { value, ttftMs } = await start(target, controller.signal, armTtft);
      record({ provider, model: target.model.id, outcome: 'ok', ms: Math.round(took()), ...(ttftMs !== undefined ? { ttftMs: Math.round(ttftMs) } : {}) });
      return { target, value, attempts, controller, done };
    } catch (err) {
      done();
      if (ctx.signal.aborted) throw ctx.signal.reason;
      // An adapter that fails on an answer it cannot read (a TypeError on an unexpected shape) has met a
      // provider fault, not a gateway one: it falls back like any other.
      const error = err instanceof GatewayError ? err : new UpstreamError(`${provider} sent an answer the gateway could not read`, 'malformed', { cause: err });
      if (!(error instanceof UpstreamError)) throw error;
      const ms = took();
      record({ provider, model: target.model.id, outcome: outcomeOf(error), ms: Math.round(ms) });
      ctx.observer?.onResult?.(target, { ok: false, error, ms });
      if (!isProviderFault(error)) {
        error.headers['x-op-attempts'] = formatAttempts(attempts);
        throw error;
      }
      return undefined;
    }
  };

  const deferred: Target[] = [];
  for (const target of ctx.targets) {
    if (calls >= ctx.limits.maxAttempts || remaining() <= 0) break;
    const admission = ctx.observer?.admit?.(target) ?? 'call';
    if (admission !== 'call') {
      record({ provider: target.route.provider, model: target.model.id, outcome: 'open', ms: 0 });
      if (admission === 'last-resort') deferred.push(target);
      continue;
    }
    const won = await attempt(target);
    if (won) return won;
  }
  // Routes whose cooldown is over but whose probe nobody holds yet: tried only when all else failed, so
  // the wait for the probe claim (one conditional write) is only ever paid instead of a 503.
  for (const target of deferred) {
    if (calls >= ctx.limits.maxAttempts || remaining() <= 0) break;
    if (!(await ctx.observer?.lastResort?.(target))) continue;
    const won = await attempt(target);
    if (won) return won;
  }
  throw exhausted(attempts);
}

/**
 * `accept` checks a whole answer before it is taken (structured output against its schema); a rejection is
 * an UpstreamError of the route, so the next route is tried.
 */
export async function completeWithFallback(ctx: FallbackContext, accept?: (result: CanonicalResult, target: Target) => void): Promise<Started<CanonicalResult>> {
  const started = await run(ctx, async (target, signal) => {
    const value = await target.provider.complete(ctx.call(target, signal));
    accept?.(value, target);
    return { value };
  });
  started.done();
  const last = started.attempts.at(-1);
  ctx.observer?.onResult?.(started.target, { ok: true, ms: last?.ms ?? 0, completionTokens: started.value.usage.outputTokens });
  return started;
}

export interface StreamStart {
  /** The parts up to and including the first content part (the first token). */
  first: StreamPart[];
  /** The rest of the stream; its end (or failure) is reported to the observer. */
  rest: AsyncIterator<StreamPart>;
  ttftMs: number;
}

/** Reports how a started stream ended; a stream the client abandoned reports nothing. */
function observed(ctx: FallbackContext, target: Target, rest: AsyncIterator<StreamPart>, began: () => number, ttftMs: number): AsyncIterator<StreamPart> {
  let tokens: number | undefined;
  let reported = false;
  const report = (r: Omit<AttemptReport, 'ms' | 'ttftMs'>) => {
    if (reported) return;
    reported = true;
    ctx.observer?.onResult?.(target, { ...r, ms: began(), ttftMs, completionTokens: tokens });
  };
  return {
    async next() {
      try {
        const next = await rest.next();
        if (next.done) report({ ok: true });
        else if (next.value.type === 'finish' && next.value.usage) tokens = next.value.usage.outputTokens;
        return next;
      } catch (err) {
        if (!ctx.signal.aborted && err instanceof UpstreamError && isProviderFault(err)) report({ ok: false, error: err });
        reported = true;
        throw err;
      }
    },
    async return(value?: unknown) {
      reported = true;
      return (await rest.return?.(value)) ?? { done: true, value: undefined };
    },
  };
}

/**
 * Starts a stream: a target has won once its first token (or, for an answer without any, its end) arrived within the time-to-first-token limit. Every provider stream is guarded (canonical/guard.ts).
 */
export async function streamWithFallback(ctx: FallbackContext): Promise<Started<StreamStart>> {
  return run(ctx, async (target, signal, armTtft) => {
    const began = stopwatch();
    const iterator = guardStream(target.provider.stream(ctx.call(target, signal)), target.route.provider, signal)[Symbol.asyncIterator]();
    const disarm = armTtft();
    try {
      const first: StreamPart[] = [];
      for (;;) {
        const next = await iterator.next();
        if (next.done) throw new UpstreamError(`${target.route.provider} sent an empty stream`, 'stream');
        first.push(next.value);
        if (isToken(next.value) || next.value.type === 'finish') break;
      }
      const ttftMs = began();
      return { value: { first, rest: observed(ctx, target, iterator, began, ttftMs), ttftMs }, ttftMs };
    } catch (err) {
      await iterator.return?.(undefined);
      throw err;
    } finally {
      disarm();
    }
  });
}

/** Moves to another route after a failure: failed calls that another call followed (skips are not calls). */
export function fallbacksOf(attempts: readonly Attempt[]): number {
  const calls = attempts.filter((a) => a.outcome !== 'open');
  return calls.filter((a, i) => a.outcome !== 'ok' && i < calls.length - 1).length;
}

/** "anthropic/claude-sonnet-4=503, bedrock/claude-sonnet-4=ok" */
export function formatAttempts(attempts: readonly Attempt[]): string {
  return attempts.map((a) => `${a.provider}/${a.model}=${a.outcome}`).join(', ');
}
