// The Anthropic adapter against the simulator's Anthropic protocol, over loopback HTTP.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UpstreamError } from '../../../lambda/openai/errors';
import type { ChatRequest, StreamPiece } from '../../../lambda/openai/types';
import { createAnthropicProvider } from '../../../lambda/providers/anthropic';
import { collect, expectStreamEnd, rejection, textOf, upstreamCall, weatherTool, wholeAndStreamed, withSimulator } from '../../helpers/provider';

const env = withSimulator((sim) =>
  createAnthropicProvider({ name: 'anthropic', kind: 'anthropic', baseUrl: `${sim.url}/anthropic`, apiKey: 'sim', live: false }),
);
afterEach(() => vi.restoreAllMocks());

const call = (request: Partial<ChatRequest>, signal?: AbortSignal) =>
  upstreamCall(
    { model: 'claude', messages: [{ role: 'user', content: 'Tell me about lighthouses' }], ...request },
    { upstreamModel: 'claude-sonnet-4-5', maxTokens: 256, signal },
  );

describe('anthropic adapter vs simulator', () => {
  it('sends the Messages API headers and a body the simulator accepts', async () => {
    const spy = vi.spyOn(globalThis, 'fetch');
    await env.provider.complete(call({ messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hello' }] }));
    const [url, init] = spy.mock.calls[0] ?? [];
    expect(String(url)).toBe(`${env.sim.url}/anthropic/v1/messages`);
    expect(init?.headers).toMatchObject({ 'x-api-key': 'sim', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' });
    expect(env.sim.stats('anthropic').lastBody).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 256, system: 'Be kind.' });
  });

  it('answers with text, the same whether streamed or not, with equal usage', async () => {
    const { done, pieces } = await wholeAndStreamed(env.provider, call);
    expect(done.finishReason).toBe('stop');
    expect(done.message.content).toMatch(/^Simulated claude-sonnet-4-5 reply to: Tell me about lighthouses\./);
    expect(done.usage.completion_tokens).toBeGreaterThan(0);
    expect(textOf(pieces)).toBe(done.message.content);
    expectStreamEnd(pieces, 'stop', done.usage);
  });

  it('calls the tool the prompt names, streamed and not', async () => {
    const request = { tools: [weatherTool], messages: [{ role: 'user' as const, content: 'Use get_weather for Paris' }] };
    const { done, pieces } = await wholeAndStreamed(env.provider, call, request);
    expect(done.finishReason).toBe('tool_calls');
    expect(done.message.content).toBeNull();
    const toolCall = done.message.tool_calls?.[0];
    expect(toolCall?.id).toMatch(/^toolu_/);
    expect(toolCall?.function.name).toBe('get_weather');
    expect(typeof (JSON.parse(toolCall?.function.arguments ?? 'null') as { city?: unknown }).city).toBe('string');

    const deltas = pieces.flatMap((p) => p.delta?.tool_calls ?? []);
    expect(deltas[0]).toEqual({ index: 0, id: toolCall?.id, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(deltas.map((d) => d.function?.arguments ?? '').join('')).toBe(toolCall?.function.arguments);
    expectStreamEnd(pieces, 'tool_calls', done.usage);
  });

  it('sends a tool result back as a tool_result the simulator reads', async () => {
    const done = await env.provider.complete(
      call({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Use get_weather for Paris' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_x', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'toolu_x', content: 'sunny and 21 degrees' },
        ],
      }),
    );
    expect(done.message.content).toBe('The tool returned: sunny and 21 degrees');
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

  it('a stream cut after two tokens fails with an UpstreamError and never finishes', async () => {
    env.sim.configure('anthropic', { fault: { kind: 'cut', afterTokens: 2 } });
    const seen: StreamPiece[] = [];
    const err = await rejection(
      (async () => {
        for await (const piece of env.provider.stream(call({ stream: true }))) seen.push(piece);
      })(),
    );
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(true);
    expect((err as UpstreamError).upstream).toBe('stream');
    // The simulator flushes each frame before it cuts, so exactly the two tokens arrive.
    expect(seen.filter((p) => p.delta?.content).length).toBe(2);
    expect(seen.some((p) => p.finishReason || p.usage)).toBe(false);
  });

  it('an abort stops a stream mid-answer and the simulator sees the client go', async () => {
    env.sim.configure('anthropic', { tokensPerSecond: 20 });
    const controller = new AbortController();
    const err = await rejection(
      (async () => {
        for await (const piece of env.provider.stream(call({ stream: true }, controller.signal))) {
          if (piece.delta?.content) controller.abort();
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
