// The fallback chain: try each (model, route) target in order until one starts answering. A target is
// abandoned only before any byte has reached the client, and only for failures that are the provider's
// (UpstreamError.retryable: 429, 5xx, timeouts, connection errors, no first token in time). Failures
// caused by the request (400, 413, 422) end the chain at once and go back to the client as they are.
import { ServiceUnavailableError, UpstreamError, toGatewayError } from '../openai/errors';
import type { CompletionResult, StreamPiece } from '../openai/types';
import type { Provider, UpstreamCall } from '../providers/provider';
import type { ProviderRegistry } from '../providers/registry';
import type { ModelSpec, Route } from './catalog';
import type { Clock } from './clock';

export interface Target {
  model: ModelSpec;
  route: Route;
  provider: Provider;
}

export interface Attempt {
  provider: string;
  model: string;
  /** "ok", an upstream status ("503"), or a reason ("timeout", "ttft", "connection", "skipped"). */
  outcome: string;
  ms: number;
}

export interface FallbackLimits {
  ttftTimeoutMs: number;
  attemptTimeoutMs: number;
  totalTimeoutMs: number;
  maxAttempts: number;
}

/** Hooks for provider health: which targets to skip, and what each attempt taught us. */
export interface AttemptObserver {
  skip?(target: Target): boolean;
  onResult?(target: Target, result: { ok: boolean; error?: UpstreamError; ttftMs?: number; ms: number }): void;
}

/** Every route of every planned model whose provider is configured, in order. */
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
  clock: Clock;
  observer?: AttemptObserver;
}

export class FallbackExhausted extends ServiceUnavailableError {
  constructor(readonly attempts: Attempt[]) {
    const tried = attempts.map((a) => `${a.model} via ${a.provider}: ${a.outcome}`).join('; ');
    super(`Every provider route failed for this request${tried ? ` (${tried})` : ''}.`, { code: 'all_routes_failed' });
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

/**
 * Runs `start` against each target until one succeeds. `start` receives an abort signal that fires on client
 * disconnect, on the attempt's time limits, or on the total time limit.
 */
async function run<T>(
  ctx: FallbackContext,
  start: (target: Target, signal: AbortSignal, armTtft: () => () => void) => Promise<T>,
): Promise<Started<T>> {
  const attempts: Attempt[] = [];
  const began = ctx.clock.now();
  for (const target of ctx.targets) {
    if (attempts.length >= ctx.limits.maxAttempts) break;
    if (ctx.observer?.skip?.(target)) {
      attempts.push({ provider: target.route.provider, model: target.model.id, outcome: 'skipped', ms: 0 });
      continue;
    }
    const remaining = ctx.limits.totalTimeoutMs - (ctx.clock.now() - began);
    if (remaining <= 0) break;
    const controller = new AbortController();
    const onClientAbort = () => controller.abort(ctx.signal.reason);
    if (ctx.signal.aborted) throw ctx.signal.reason;
    ctx.signal.addEventListener('abort', onClientAbort, { once: true });
    const limit = Math.min(ctx.limits.attemptTimeoutMs, remaining);
    const attemptTimer = setTimeout(
      () => controller.abort(new UpstreamError(`${target.route.provider} did not finish within ${limit} ms`, 'timeout')),
      limit,
    );
    const armTtft = () => {
      const t = setTimeout(
        () => controller.abort(new UpstreamError(`${target.route.provider} sent no first token within ${ctx.limits.ttftTimeoutMs} ms`, 'ttft')),
        ctx.limits.ttftTimeoutMs,
      );
      return () => clearTimeout(t);
    };
    const t0 = ctx.clock.now();
    const done = () => {
      clearTimeout(attemptTimer);
      ctx.signal.removeEventListener('abort', onClientAbort);
    };
    try {
      const value = await start(target, controller.signal, armTtft);
      const ms = ctx.clock.now() - t0;
      attempts.push({ provider: target.route.provider, model: target.model.id, outcome: 'ok', ms });
      return { target, value, attempts, controller, done };
    } catch (err) {
      done();
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const error = toGatewayError(err);
      const ms = ctx.clock.now() - t0;
      if (!(error instanceof UpstreamError)) throw error;
      attempts.push({ provider: target.route.provider, model: target.model.id, outcome: outcomeOf(error), ms });
      ctx.observer?.onResult?.(target, { ok: false, error, ms });
      if (!error.retryable) {
        error.headers['x-op-attempts'] = formatAttempts(attempts);
        throw error;
      }
    }
  }
  const exhausted = new FallbackExhausted(attempts);
  exhausted.headers['x-op-attempts'] = formatAttempts(attempts);
  throw exhausted;
}

export async function completeWithFallback(ctx: FallbackContext): Promise<Started<CompletionResult>> {
  const started = await run(ctx, (target, signal) => target.provider.complete(ctx.call(target, signal)));
  started.done();
  ctx.observer?.onResult?.(started.target, { ok: true, ms: started.attempts.at(-1)?.ms ?? 0 });
  return started;
}

export interface StreamStart {
  first: StreamPiece;
  rest: AsyncIterator<StreamPiece>;
  ttftMs: number;
}

/** Starts a stream: a target has won once its first piece arrived within the time-to-first-token limit. */
export async function streamWithFallback(ctx: FallbackContext): Promise<Started<StreamStart>> {
  return run(ctx, async (target, signal, armTtft) => {
    const t0 = ctx.clock.now();
    const iterator = target.provider.stream(ctx.call(target, signal))[Symbol.asyncIterator]();
    const disarm = armTtft();
    try {
      const first = await iterator.next();
      if (first.done) throw new UpstreamError(`${target.route.provider} sent an empty stream`, 'stream');
      const ttftMs = ctx.clock.now() - t0;
      return { first: first.value, rest: iterator, ttftMs };
    } catch (err) {
      await iterator.return?.();
      throw err;
    } finally {
      disarm();
    }
  });
}

/** "anthropic/claude-sonnet-4=503, bedrock/claude-sonnet-4=ok" */
export function formatAttempts(attempts: readonly Attempt[]): string {
  return attempts.map((a) => `${a.provider}/${a.model}=${a.outcome}`).join(', ');
}
