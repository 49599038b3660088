// Shared set-up for the provider adapter tests: building an UpstreamCall over a canonical request, draining
// streams, catching failures, and an adapter wired to a simulator on loopback for the length of a test file.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { accumulate, resultText } from '../../lambda/core/canonical/accumulate';
import type { Message } from '../../lambda/core/canonical/content';
import type { CanonicalRequest, Tool } from '../../lambda/core/canonical/request';
import type { CanonicalResult, FinishReason, StreamPart } from '../../lambda/core/canonical/result';
import type { Usage } from '../../lambda/core/canonical/usage';
import { SIM_PROTOCOLS, startSimulator, type Simulator } from '../../lambda/local/simulator';
import type { Provider, UpstreamCall } from '../../lambda/providers/provider';

export interface CallOptions {
  upstreamModel?: string;
  maxTokens?: number;
  reasoning?: boolean;
  signal?: AbortSignal;
}

/** An UpstreamCall whose request holds `request` over a minimal valid one; what a test leaves out is a neutral default. */
export function upstreamCall(request: Partial<CanonicalRequest>, options: CallOptions = {}): UpstreamCall {
  return {
    request: { model: 'test', messages: [], stream: false, sampling: {}, ...request },
    upstreamModel: options.upstreamModel ?? 'test',
    maxTokens: options.maxTokens ?? 256,
    model: { reasoning: options.reasoning ?? false },
    signal: options.signal ?? new AbortController().signal,
  };
}

export const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
export const system = (text: string): Message => ({ role: 'system', content: [{ type: 'text', text }] });
export const assistant = (text: string): Message => ({ role: 'assistant', content: [{ type: 'text', text }] });
export const toolCall = (callId: string, name: string, args: string): Message => ({ role: 'assistant', content: [{ type: 'tool-call', callId, name, arguments: args }] });
export const toolResult = (callId: string, text: string): Message => ({ role: 'tool', content: [{ type: 'tool-result', callId, content: [{ type: 'text', text }] }] });

export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** The text a stream carried, all text deltas joined. */
export const textOf = (parts: readonly StreamPart[]): string => parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');

/** The text of a whole answer. */
export const answerText = (result: CanonicalResult): string => resultText(result.content);

/** One request answered by `provider` twice: whole, and streamed (the same request with stream: true). */
export async function wholeAndStreamed(
  provider: Provider,
  call: (request: Partial<CanonicalRequest>) => UpstreamCall,
  request: Partial<CanonicalRequest> = {},
): Promise<{ done: CanonicalResult; parts: StreamPart[] }> {
  const done = await provider.complete(call(request));
  const parts = await collect(provider.stream(call({ ...request, stream: true })));
  return { done, parts };
}

/** Every adapter's stream ends as its whole answer does: one finish part with the reason and the usage. */
export function expectStreamEnd(parts: readonly StreamPart[], reason: FinishReason, usage: Usage): void {
  expect(parts.at(-1)).toMatchObject({ type: 'finish', reason, usage });
  expect(parts.filter((p) => p.type === 'finish')).toHaveLength(1);
}

/** A stream folds into the same answer as the whole call (content, reason and usage). */
export function expectSameAnswer(parts: readonly StreamPart[], done: CanonicalResult): void {
  expect(accumulate(parts)).toEqual(done);
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
export const weatherTool: Tool = {
  name: 'get_weather',
  description: 'Current weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
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
