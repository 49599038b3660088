// The Anthropic adapter against the simulator's Anthropic protocol, over loopback HTTP.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accumulate } from '../../../lambda/core/canonical/accumulate';
import type { CanonicalRequest } from '../../../lambda/core/canonical/request';
import type { StreamPart } from '../../../lambda/core/canonical/result';
import { signThought } from '../../../lambda/local/simulator/answer';
import { UpstreamError } from '../../../lambda/wire/errors';
import { createAnthropicProvider } from '../../../lambda/providers/anthropic';
import { answerText, collect, expectSameAnswer, expectStreamEnd, rejection, system, textOf, toolCall, toolResult, upstreamCall, user, weatherTool, wholeAndStreamed, withSimulator } from '../../helpers/provider';

const env = withSimulator((sim) =>
  createAnthropicProvider({ name: 'anthropic', kind: 'anthropic', baseUrl: `${sim.url}/anthropic`, apiKey: 'sim', live: false }),
);
afterEach(() => vi.restoreAllMocks());

const call = (request: Partial<CanonicalRequest>, signal?: AbortSignal, maxTokens = 256) =>
  upstreamCall({ model: 'claude', messages: [user('Tell me about lighthouses')], ...request }, { upstreamModel: 'claude-sonnet-4-5', maxTokens, reasoning: true, signal });

describe('anthropic adapter vs simulator', () => {
  it('sends the Messages API headers (and the client\'s betas) and a body the simulator accepts', async () => {
    await env.provider.complete(call({ messages: [system('Be kind.'), user('Hello')], hints: { anthropicBeta: ['interleaved-thinking-2025-05-14'] } }));
    expect(env.sim.stats('anthropic').lastPath).toBe('/anthropic/v1/messages');
    expect(env.sim.stats('anthropic').lastHeaders).toMatchObject({ 'x-api-key': 'sim', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'interleaved-thinking-2025-05-14', 'content-type': 'application/json' });
    expect(env.sim.stats('anthropic').lastBody).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 256, system: 'Be kind.' });
  });

  it('answers with text, the same whether streamed or not, with equal usage', async () => {
    const { done, parts } = await wholeAndStreamed(env.provider, call);
    expect(done.reason).toBe('stop');
    expect(answerText(done)).toMatch(/^Simulated claude-sonnet-4-5 reply to: Tell me about lighthouses\./);
    expect(done.usage.outputTokens).toBeGreaterThan(0);
    expect(textOf(parts)).toBe(answerText(done));
    expectStreamEnd(parts, 'stop', done.usage);
  });

  it('calls the tool the prompt names, streamed and not', async () => {
    const request = { tools: [weatherTool], messages: [user('Use get_weather for Paris')] };
    const { done, parts } = await wholeAndStreamed(env.provider, call, request);
    expect(done.reason).toBe('tool_calls');
    const tool = done.content.find((p) => p.type === 'tool-call');
    expect(tool).toMatchObject({ type: 'tool-call', callId: expect.stringMatching(/^toolu_/), name: 'get_weather' });
    expect(typeof (JSON.parse(tool?.type === 'tool-call' ? tool.arguments : 'null') as { city?: unknown }).city).toBe('string');
    expectSameAnswer(parts.filter((p) => p.type !== 'stream-start'), done);
  });

  it('follows a forced tool choice even when the prompt names no tool', async () => {
    const done = await env.provider.complete(call({ tools: [weatherTool], toolChoice: { type: 'tool', name: 'get_weather' }, messages: [user('hello')] }));
    expect(done.content.some((p) => p.type === 'tool-call' && p.name === 'get_weather')).toBe(true);
  });

  it('sends a tool result back as a tool_result the simulator reads', async () => {
    const done = await env.provider.complete(
      call({ tools: [weatherTool], messages: [user('Use get_weather for Paris'), toolCall('toolu_x', 'get_weather', '{"city":"Paris"}'), toolResult('toolu_x', 'sunny and 21 degrees')] }),
    );
    expect(answerText(done)).toBe('The tool returned: sunny and 21 degrees');
  });

  it('thinks when asked, signed, and a signed thought sent back is accepted as it came', async () => {
    const { done, parts } = await wholeAndStreamed(env.provider, (r) => call(r, undefined, 4096), { reasoning: { budgetTokens: 2048 } });
    const thought = done.content[0];
    expect(thought).toMatchObject({ type: 'reasoning', signature: signThought(thought?.type === 'reasoning' ? thought.text : '') });
    expect(accumulate(parts).content[0]).toEqual(thought);
    const next = await env.provider.complete(call({ reasoning: { budgetTokens: 2048 }, messages: [user('Tell me about lighthouses'), { role: 'assistant', content: done.content }, user('and more')] }, undefined, 4096));
    expect(next.reason).toBe('stop');
    // A thought that was altered on the way is refused, as Anthropic refuses it.
    const altered = { ...(thought as Extract<typeof thought, { type: 'reasoning' }>), text: 'something else' };
    const err = await rejection(env.provider.complete(call({ messages: [user('x'), { role: 'assistant', content: [altered, { type: 'text', text: 'a' }] }, user('y')] })));
    expect((err as UpstreamError).upstream).toBe(400);
  });

  it('answers structured output through the schema tool as JSON text, streamed and not', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['city', 'days'], additionalProperties: false };
    const { done, parts } = await wholeAndStreamed(env.provider, call, { output: { type: 'json_schema', name: 'plan', schema } });
    expect(done.reason).toBe('stop');
    const value = JSON.parse(answerText(done)) as { city: string; days: number };
    expect(typeof value.city).toBe('string');
    expect(value.days).toBeGreaterThanOrEqual(1);
    expect(textOf(parts)).toBe(answerText(done));
    expect(parts.some((p) => p.type === 'tool-input-start')).toBe(false);
  });

  it('reports cache writes, then reads, for a prompt prefix behind a cache breakpoint', async () => {
    const long = Array.from({ length: 1100 }, (_, i) => `word${i}`).join(' ');
    const request = { messages: [{ role: 'system' as const, content: [{ type: 'text' as const, text: long, cache: {} }] }, user('question one')] };
    const first = await env.provider.complete(call(request));
    expect(first.usage.cacheWriteTokens).toBe(1100);
    expect(first.usage.cacheReadTokens).toBe(0);
    const second = await env.provider.complete(call({ ...request, messages: [request.messages[0]!, user('question two')] }));
    expect(second.usage).toMatchObject({ cacheReadTokens: 1100, cacheWriteTokens: 0 });
    expect(second.usage.inputTokens).toBeGreaterThan(1100);
  });

  it('counts tokens through the count_tokens endpoint', async () => {
    const n = await env.provider.countTokens!(call({ messages: [user('one two three')] }));
    expect(n).toBe(4);
  });

  it.each([529, 500])('a %i fault is a retryable UpstreamError carrying the provider message', async (status) => {
    env.sim.configure('anthropic', { fault: { kind: 'status', status, times: 2 } });
    const err = await rejection(env.provider.complete(call({})));
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(true);
    expect((err as UpstreamError).upstream).toBe(status);
    expect((err as UpstreamError).message).toContain(status === 529 ? 'overloaded_error' : 'api_error');
    const streamErr = await rejection(collect(env.provider.stream(call({ stream: true }))));
    expect((streamErr as UpstreamError).retryable).toBe(true);
  });

  it('a 400 is not retryable', async () => {
    env.sim.configure('anthropic', { fault: { kind: 'status', status: 400 } });
    const err = await rejection(env.provider.complete(call({})));
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(false);
    expect((err as UpstreamError).message).toContain('invalid_request_error');
  });

  it('a stream cut after two tokens ends without a finish (which the core reads as a cut stream)', async () => {
    env.sim.configure('anthropic', { fault: { kind: 'cut', afterTokens: 2 } });
    const seen: StreamPart[] = [];
    const err = await rejection(
      (async () => {
        for await (const part of env.provider.stream(call({ stream: true }))) seen.push(part);
      })(),
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(true);
    expect((err as UpstreamError).upstream).toBe('stream');
    // The simulator flushes each frame before it cuts, so exactly the two tokens arrive.
    expect(seen.filter((p) => p.type === 'text-delta').length).toBe(2);
    expect(seen.some((p) => p.type === 'finish')).toBe(false);
  });

  it('an abort stops a stream mid-answer and the simulator sees the client go', async () => {
    env.sim.configure('anthropic', { tokensPerSecond: 20 });
    const controller = new AbortController();
    const err = await rejection(
      (async () => {
        for await (const part of env.provider.stream(call({ stream: true }, controller.signal))) {
          if (part.type === 'text-delta') controller.abort();
        }
      })(),
    );
    expect(err).not.toBeInstanceOf(UpstreamError);
    expect((err as Error).name).toBe('AbortError');
    await vi.waitFor(() => expect(env.sim.stats('anthropic').aborted).toBe(1));
    expect(env.sim.stats('anthropic').completed).toBe(0);
  });

  it('an abort stops a non-streamed request while it waits', async () => {
    env.sim.configure('anthropic', { ttftMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await rejection(env.provider.complete(call({}, controller.signal)));
    expect((err as Error).name).toBe('AbortError');
    await vi.waitFor(() => expect(env.sim.stats('anthropic').aborted).toBe(1));
  });

  it('the simulator rejects a Messages request without max_tokens, in Anthropic error shape', async () => {
    const res = await fetch(`${env.sim.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
  });
});
