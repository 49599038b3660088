// One chat request, end to end: authenticate -> validate -> plan the route -> call with fallback ->
// shape OpenAI's response (JSON or chunks). No AWS import: the store and providers are passed in.
import { BadRequestError } from '../openai/errors';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  StreamPiece,
  Usage,
} from '../openai/types';
import type { UpstreamCall } from '../providers/provider';
import type { ModelSpec } from './catalog';
import {
  completeWithFallback,
  formatAttempts,
  streamWithFallback,
  targetsFor,
  type Attempt,
  type FallbackContext,
  type Target,
} from './fallback';
import type { GatewayDeps } from './deps';
import { newCompletionId } from './ids';
import { RequestMeter } from './meter';
import type { CoreResult, RequestContext } from './result';
import { planRoute } from './routing';
import { parseChatRequest } from './validate';

/** What served the request and why, on every successful answer, streamed or not. */
function routingHeaders(model: string, reason: string, latencyMs: number, attempts: readonly Attempt[]): Record<string, string> {
  return {
    'x-op-routing-used': model,
    'x-op-routing-reason': reason,
    'x-op-latency-ms': String(latencyMs),
    'x-op-attempts': formatAttempts(attempts),
  };
}

export async function chatCompletion(body: string | undefined, ctx: RequestContext, deps: GatewayDeps): Promise<CoreResult> {
  const started = deps.clock.now();
  const auth = await deps.auth.authenticate(ctx.authorization, ctx.sourceIp);
  // Rate limits and usage (core/meter.ts): admission below; headers and settlement on whatever comes back.
  const meter = new RequestMeter(deps, auth, ctx, started);
  return meter.run(() => serveChat(body, ctx, deps, meter, started));
}

async function serveChat(body: string | undefined, ctx: RequestContext, deps: GatewayDeps, meter: RequestMeter, started: number): Promise<CoreResult> {
  const request = parseChatRequest(body);
  const plan = planRoute(request, {
    maxTokens: request.max_tokens,
    planMaxTokens: meter.limits.maxTokensPerRequest,
    ...deps.health?.routingInputs(),
  });
  ctx.trace?.planned(plan, request);
  if (request.model !== 'auto') {
    const model = plan.models[0] as ModelSpec;
    if (request.max_tokens !== undefined && request.max_tokens > model.maxOutputTokens) {
      throw new BadRequestError(
        `'max_tokens' is ${request.max_tokens}, but ${model.id} supports at most ${model.maxOutputTokens} output tokens.`,
        { param: 'max_tokens', code: 'invalid_value' },
      );
    }
  }
  await meter.admit(request, plan);

  const fallback: FallbackContext = {
    targets: targetsFor(plan.models, deps.providers),
    call: (target: Target, signal: AbortSignal): UpstreamCall => ({
      request,
      upstreamModel: target.route.upstreamModel,
      maxTokens: meter.maxTokens(request, target.model),
      signal,
    }),
    signal: ctx.signal,
    limits: deps.config.upstream,
    observer: deps.health,
    onAttempt: (attempt) => ctx.trace?.attempt(attempt),
  };
  const id = newCompletionId();
  const created = Math.floor(started / 1000);

  if (!request.stream) {
    const won = await completeWithFallback(fallback);
    const latency = deps.clock.now() - started;
    const { message, finishReason, usage } = won.value;
    meter.completed(won.target, usage, id);
    const completion: ChatCompletion = {
      id,
      object: 'chat.completion',
      created,
      model: won.target.model.id,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage,
      x_op_routing_used: won.target.model.id,
      x_op_latency_ms: latency,
    };
    return { kind: 'json', status: 200, headers: routingHeaders(won.target.model.id, plan.reason, latency, won.attempts), body: completion };
  }

  const won = await streamWithFallback(fallback);
  meter.streaming(won.target, id);
  const model = won.target.model.id;
  const envelope = (choice: ChatCompletionChunk['choices'][number] | undefined, usage?: Usage | null): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: choice ? [choice] : [],
    ...(request.include_usage ? { usage: usage ?? null } : {}),
  });
  async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
    let usage: Usage | undefined;
    const pieceToChunk = (piece: StreamPiece): ChatCompletionChunk | undefined => {
      meter.onPiece(piece);
      if (piece.usage) usage = piece.usage;
      if (!piece.delta && !piece.finishReason) return undefined;
      return envelope({ index: 0, delta: piece.delta ?? {}, logprobs: null, finish_reason: piece.finishReason ?? null });
    };
    try {
      yield envelope({ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null });
      const first = pieceToChunk(won.value.first);
      if (first) yield first;
      for (;;) {
        const next = await won.value.rest.next();
        if (next.done) break;
        const chunk = pieceToChunk(next.value);
        if (chunk) yield chunk;
      }
      if (request.include_usage && usage) yield envelope(undefined, usage);
    } finally {
      won.done();
      // Reached on normal end, on an upstream error and when the client went away: stop the upstream too.
      won.controller.abort();
    }
  }
  return {
    kind: 'stream',
    status: 200,
    headers: routingHeaders(model, plan.reason, deps.clock.now() - started, won.attempts),
    chunks: chunks(),
  };
}
