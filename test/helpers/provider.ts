// Shared set-up for the provider adapter tests: building an UpstreamCall, draining streams, catching failures,
// and an adapter wired to a simulator on loopback for the length of a test file.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { SIM_PROTOCOLS, startSimulator, type Simulator } from '../../lambda/local/simulator';
import type { ChatRequest, CompletionResult, FinishReason, FunctionTool, StreamPiece, Usage } from '../../lambda/openai/types';
import type { Provider, UpstreamCall } from '../../lambda/providers/provider';

export interface CallOptions {
  upstreamModel?: string;
  maxTokens?: number;
  signal?: AbortSignal;
}

/** An UpstreamCall whose request holds `request` over a minimal valid one; what a test leaves out is a neutral default. */
export function upstreamCall(request: Partial<ChatRequest>, options: CallOptions = {}): UpstreamCall {
  return {
    request: { model: 'test', messages: [], stream: false, include_usage: false, ...request },
    upstreamModel: options.upstreamModel ?? 'test',
    maxTokens: options.maxTokens ?? 256,
    signal: options.signal ?? new AbortController().signal,
  };
}

export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** The text a stream carried, all content deltas joined. */
export const textOf = (pieces: readonly StreamPiece[]): string => pieces.map((p) => p.delta?.content ?? '').join('');

/** One request answered by `provider` twice: whole, and streamed (the same request with stream: true). */
export async function wholeAndStreamed(
  provider: Provider,
  call: (request: Partial<ChatRequest>) => UpstreamCall,
  request: Partial<ChatRequest> = {},
): Promise<{ done: CompletionResult; pieces: StreamPiece[] }> {
  const done = await provider.complete(call(request));
  const pieces = await collect(provider.stream(call({ ...request, stream: true })));
  return { done, pieces };
}

/** Every adapter's stream ends as its whole answer does: the finish reason, then the usage, each a piece of its own. */
export function expectStreamEnd(pieces: readonly StreamPiece[], finishReason: FinishReason, usage: Usage): void {
  expect(pieces.at(-2)).toEqual({ finishReason });
  expect(pieces.at(-1)).toEqual({ usage });
}

/** The error `p` rejects with; fails the test if `p` resolves instead. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

/** A one-argument tool the simulator calls when the prompt names it ("Use get_weather for Paris"). */
export const weatherTool: FunctionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

export interface SimulatedProvider {
  /** Both are set once the file's beforeAll has run; read them inside tests, not at module level. */
  sim: Simulator;
  provider: Provider;
}

/**
 * Starts a simulator for the test file, connects an adapter to it, resets the simulator's faults and stats
 * after each test so none leaks into the next, and closes it at the end.
 */
export function withSimulator(connect: (sim: Simulator) => Provider): SimulatedProvider {
  const env = {} as SimulatedProvider;
  beforeAll(async () => {
    env.sim = await startSimulator({ protocols: SIM_PROTOCOLS });
    env.provider = connect(env.sim);
  });
  afterEach(() => env.sim.reset());
  afterAll(() => env.sim.close());
  return env;
}
