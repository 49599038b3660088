// The fallback loop with fake providers: order, what falls back and what does not, the bounds (attempts,
// time), breaker skips that cost no attempt, last-resort probes, and what the observer hears.
import { describe, expect, it } from 'vitest';
import type { CanonicalResult, StreamPart } from '../../lambda/core/canonical/result';
import { usage } from '../../lambda/core/canonical/usage';
import { UnprocessableEntityError, UpstreamError } from '../../lambda/wire/errors';
import { Catalog, SEED_MODELS, type ModelSpec } from '../../lambda/core/catalog';
import {
  FallbackExhausted,
  completeWithFallback,
  countsAgainstRoute,
  streamWithFallback,
  type AttemptObserver,
  type AttemptReport,
  type FallbackContext,
  type Target,
} from '../../lambda/core/fallback';
import type { Provider } from '../../lambda/providers/provider';

const RESULT: CanonicalResult = { content: [{ type: 'text', text: 'hi' }], reason: 'stop', usage: usage({ inputTokens: 1, outputTokens: 3 }) };

type Behaviour = 'ok' | number | 'hang' | 'cut' | 'garbage';

/** A provider that answers each call by the next behaviour in its script (the last one repeats). */
function fake(name: string, script: Behaviour[]): Provider & { calls: number } {
  const next = () => script[Math.min(p.calls++, script.length - 1)] as Behaviour;
  const hang = (signal: AbortSignal) =>
    new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
  const p = {
    name,
    kind: 'openai-chat' as const,
    calls: 0,
    async complete(call: { signal: AbortSignal }) {
      const b = next();
      if (b === 'hang') return hang(call.signal);
      if (typeof b === 'number') throw new UpstreamError(`${name} returned ${b}`, b);
      // An adapter tripping over an answer of an unexpected shape.
      if (b === 'garbage') throw new TypeError("Cannot read properties of undefined (reading 'content')");
      return RESULT;
    },
    async *stream(call: { signal: AbortSignal }): AsyncGenerator<StreamPart> {
      const b = next();
      if (b === 'hang') await hang(call.signal);
      if (typeof b === 'number') throw new UpstreamError(`${name} returned ${b}`, b);
      if (b === 'garbage') throw new TypeError('not iterable');
      yield { type: 'text-start', index: 0 };
      yield { type: 'text-delta', index: 0, text: 'a' };
      yield { type: 'text-delta', index: 0, text: 'b' };
      if (b === 'cut') return;
      yield { type: 'text-end', index: 0 };
      yield { type: 'finish', reason: 'stop', usage: RESULT.usage };
    },
  };
  return p as Provider & { calls: number };
}

const catalog = new Catalog(SEED_MODELS);
const sonnet = catalog.find('claude-sonnet-4') as ModelSpec;
const haiku = catalog.find('claude-haiku-4.5') as ModelSpec;

function context(targets: Array<[ModelSpec, number, Provider]>, patch: Partial<FallbackContext> = {}): FallbackContext {
  return {
    targets: targets.map(([model, i, provider]) => ({ model, route: model.routes[i] as Target['route'], provider })),
    call: (target, signal) => ({ request: { model: target.model.id, messages: [], stream: false, sampling: {} }, upstreamModel: target.route.upstreamModel, maxTokens: 10, model: { reasoning: false }, signal }),
    signal: new AbortController().signal,
    limits: { ttftTimeoutMs: 1_000, attemptTimeoutMs: 1_000, totalTimeoutMs: 5_000, maxAttempts: 4 },
    ...patch,
  };
}

const outcomes = (attempts: Array<{ provider: string; outcome: string }>) => attempts.map((a) => `${a.provider}=${a.outcome}`);

describe('completeWithFallback', () => {
  it('tries routes in order and stops at the first answer', async () => {
    const a = fake('anthropic', [503]);
    const b = fake('bedrock', ['ok']);
    const won = await completeWithFallback(context([[sonnet, 0, a], [sonnet, 1, b], [haiku, 0, fake('x', ['ok'])]]));
    expect(won.target.route.provider).toBe('bedrock');
    expect(outcomes(won.attempts)).toEqual(['anthropic=503', 'bedrock=ok']);
  });

  it.each([400, 404, 413, 422])('returns a %i from upstream as it is, without falling back', async (status) => {
    const b = fake('bedrock', ['ok']);
    const err = await completeWithFallback(context([[sonnet, 0, fake('anthropic', [status])], [sonnet, 1, b]])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).status).toBe(status);
    expect((err as UpstreamError).headers['x-op-attempts']).toBe('anthropic/claude-sonnet-4=' + status);
    expect(b.calls).toBe(0);
  });

  it.each([429, 500, 502, 503, 529, 401, 403])('falls back on a %i', async (status) => {
    const won = await completeWithFallback(context([[sonnet, 0, fake('anthropic', [status])], [sonnet, 1, fake('bedrock', ['ok'])]]));
    expect(outcomes(won.attempts)).toEqual([`anthropic=${status}`, 'bedrock=ok']);
  });

  it('gives up after maxAttempts calls with a 503 listing every attempt', async () => {
    const providers = [0, 1, 2, 3, 4].map((i) => fake(`p${i}`, [503]));
    const err = await completeWithFallback(context(providers.map((p) => [sonnet, 0, p]), { limits: { ttftTimeoutMs: 1_000, attemptTimeoutMs: 1_000, totalTimeoutMs: 5_000, maxAttempts: 3 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FallbackExhausted);
    expect((err as FallbackExhausted).status).toBe(503);
    expect((err as FallbackExhausted).attempts).toHaveLength(3);
    expect((err as FallbackExhausted).message).toContain('claude-sonnet-4 via anthropic: 503');
    expect(providers.map((p) => p.calls)).toEqual([1, 1, 1, 0, 0]);
  });

  it('bounds one attempt and the whole request in time', async () => {
    const t0 = performance.now();
    const won = await completeWithFallback(
      context([[sonnet, 0, fake('anthropic', ['hang'])], [sonnet, 1, fake('bedrock', ['ok'])]], {
        limits: { ttftTimeoutMs: 1_000, attemptTimeoutMs: 100, totalTimeoutMs: 5_000, maxAttempts: 4 },
      }),
    );
    expect(outcomes(won.attempts)).toEqual(['anthropic=timeout', 'bedrock=ok']);
    const hang = [0, 1, 2].map((i) => fake(`h${i}`, ['hang']));
    const err = await completeWithFallback(
      context(hang.map((p) => [sonnet, 0, p]), { limits: { ttftTimeoutMs: 1_000, attemptTimeoutMs: 150, totalTimeoutMs: 250, maxAttempts: 4 } }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FallbackExhausted);
    expect(hang.map((p) => p.calls)).toEqual([1, 1, 0]); // 150 ms + the 100 ms left, then the budget is spent
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('skips what the breaker holds open without spending an attempt, and tries a last resort at the end', async () => {
    const a = fake('anthropic', ['ok']);
    const b = fake('bedrock', [503]);
    const heard: Array<[string, AttemptReport]> = [];
    let asked = 0;
    const observer: AttemptObserver = {
      admit: (t) => (t.route.provider === 'anthropic' ? 'last-resort' : 'call'),
      lastResort: async () => ++asked === 1,
      onResult: (t, r) => heard.push([t.route.provider, r]),
    };
    const won = await completeWithFallback(
      context([[sonnet, 0, a], [sonnet, 1, b]], { observer, limits: { ttftTimeoutMs: 1_000, attemptTimeoutMs: 1_000, totalTimeoutMs: 5_000, maxAttempts: 2 } }),
    );
    expect(outcomes(won.attempts)).toEqual(['anthropic=open', 'bedrock=503', 'anthropic=ok']);
    expect(heard.map(([p, r]) => `${p}:${r.ok}`)).toEqual(['bedrock:false', 'anthropic:true']);
    expect(heard[1]?.[1].completionTokens).toBe(3);
  });

  it('falls back from an adapter that cannot read its answer (a TypeError), as from any upstream failure', async () => {
    const won = await completeWithFallback(context([[sonnet, 0, fake('anthropic', ['garbage'])], [sonnet, 1, fake('bedrock', ['ok'])]]));
    expect(outcomes(won.attempts)).toEqual(['anthropic=malformed', 'bedrock=ok']);
  });

  it('falls back from an answer the acceptance check rejects (structured output that breaks its schema)', async () => {
    let checks = 0;
    const won = await completeWithFallback(context([[sonnet, 0, fake('anthropic', ['ok'])], [sonnet, 1, fake('bedrock', ['ok'])]]), (_, target) => {
      checks++;
      if (target.route.provider === 'anthropic') throw new UpstreamError('anthropic answered outside the requested format', 'schema');
    });
    expect(outcomes(won.attempts)).toEqual(['anthropic=schema', 'bedrock=ok']);
    expect(checks).toBe(2);
  });

  it('answers 422 naming response_format when every route answered and none met the schema, and counts none against a breaker', async () => {
    const heard: AttemptReport[] = [];
    const err = await completeWithFallback(context([[sonnet, 0, fake('anthropic', ['ok'])], [sonnet, 1, fake('bedrock', ['ok'])]], { observer: { onResult: (_, r) => heard.push(r) } }), (_, target) => {
      throw new UpstreamError(`${target.route.provider} answered outside the requested format`, 'schema');
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 422, param: 'response_format', code: 'schema_not_met' });
    expect((err as UnprocessableEntityError).headers['x-op-attempts']).toBe('anthropic/claude-sonnet-4=schema, bedrock/claude-sonnet-4=schema');
    expect(heard.map((r) => r.error && countsAgainstRoute(r.error))).toEqual([false, false]);
    // A schema failure beside another failure is still an outage, not the schema's fault.
    const mixed = await completeWithFallback(context([[sonnet, 0, fake('anthropic', [503])], [sonnet, 1, fake('bedrock', ['ok'])]]), () => {
      throw new UpstreamError('bedrock answered outside the requested format', 'schema');
    }).catch((e: unknown) => e);
    expect(mixed).toBeInstanceOf(FallbackExhausted);
  });

  it('answers 503 when every route is held open', async () => {
    const err = await completeWithFallback(context([[sonnet, 0, fake('anthropic', ['ok'])]], { observer: { admit: () => 'skip' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FallbackExhausted);
    expect((err as FallbackExhausted).headers['x-op-attempts']).toBe('anthropic/claude-sonnet-4=open');
  });
});

describe('streamWithFallback', () => {
  it('wins on the first token, with the parts before it kept', async () => {
    const won = await streamWithFallback(context([[sonnet, 0, fake('anthropic', [503])], [sonnet, 1, fake('bedrock', ['ok'])]]));
    expect(won.value.first).toEqual([{ type: 'text-start', index: 0 }, { type: 'text-delta', index: 0, text: 'a' }]);
    expect(outcomes(won.attempts)).toEqual(['anthropic=503', 'bedrock=ok']);
  });

  it('falls back from a stream that breaks the part order or throws a TypeError before its first token', async () => {
    const broken: Provider = {
      ...fake('anthropic', ['ok']),
      async *stream() {
        yield { type: 'text-delta', index: 7, text: 'orphan' } as StreamPart;
      },
    };
    const won = await streamWithFallback(context([[sonnet, 0, broken], [sonnet, 1, fake('bedrock', ['garbage'])], [haiku, 0, fake('x', ['ok'])]]));
    expect(outcomes(won.attempts)).toEqual(['anthropic=malformed', 'bedrock=malformed', 'anthropic=ok']);
  });

  it('falls back when no first token arrives in time', async () => {
    const won = await streamWithFallback(
      context([[sonnet, 0, fake('anthropic', ['hang'])], [sonnet, 1, fake('bedrock', ['ok'])]], {
        limits: { ttftTimeoutMs: 100, attemptTimeoutMs: 5_000, totalTimeoutMs: 5_000, maxAttempts: 4 },
      }),
    );
    expect(outcomes(won.attempts)).toEqual(['anthropic=ttft', 'bedrock=ok']);
    expect(won.attempts[1]?.ttftMs).toBeGreaterThanOrEqual(0);
  });

  it('reports the end of a stream to the observer, and a cut as a failure, never retrying after the first token', async () => {
    const heard: AttemptReport[] = [];
    const b = fake('bedrock', ['ok']);
    const won = await streamWithFallback(context([[sonnet, 0, fake('anthropic', ['cut'])], [sonnet, 1, b]], { observer: { onResult: (_, r) => heard.push(r) } }));
    const parts: StreamPart[] = [...won.value.first];
    const err = await (async () => {
      for (;;) {
        const next = await won.value.rest.next();
        if (next.done) return undefined;
        parts.push(next.value);
      }
    })().catch((e: unknown) => e);
    expect(parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : []))).toEqual(['a', 'b']);
    expect((err as UpstreamError).upstream).toBe('stream');
    expect(b.calls).toBe(0);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ ok: false });

    const ok = await streamWithFallback(context([[sonnet, 1, fake('bedrock', ['ok'])]], { observer: { onResult: (_, r) => heard.push(r) } }));
    while (!(await ok.value.rest.next()).done);
    expect(heard[1]).toMatchObject({ ok: true, completionTokens: 3 });
    expect(heard[1]?.ttftMs).toBeGreaterThanOrEqual(0);
  });
});
