// The Google adapter against the simulator's Gemini protocol, over real HTTP on loopback.
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambda/openai/errors';
import type { ChatRequest, StreamPiece } from '../../../lambda/openai/types';
import { createGoogleProvider } from '../../../lambda/providers/google';
import { collect, expectStreamEnd, textOf, upstreamCall, wholeAndStreamed, withSimulator } from '../../helpers/provider';

const env = withSimulator((sim) =>
  createGoogleProvider({ name: 'google', kind: 'google', baseUrl: `${sim.url}/google`, apiKey: 'sim', live: false }),
);

const call = (request: Partial<ChatRequest>, signal?: AbortSignal, maxTokens = 200) =>
  upstreamCall(
    { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Tell me about the sea' }], include_usage: true, ...request },
    { upstreamModel: 'gemini-2.5-flash', maxTokens, signal },
  );

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    // additionalProperties is what OpenAI's strict mode wants and what Gemini answers 400 to.
    parameters: { type: 'object', additionalProperties: false, properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('google adapter against the simulator', () => {
  it('answers with text, streamed and not, with the same text and the same usage', async () => {
    const { done: whole, pieces } = await wholeAndStreamed(env.provider, call);
    expect(whole.message.content).toMatch(/^Simulated gemini-2\.5-flash reply to: Tell me about the sea\./);
    expect(whole.finishReason).toBe('stop');
    expect(textOf(pieces)).toBe(whole.message.content);
    expect(pieces.filter((p) => p.delta?.content).length).toBeGreaterThan(3);
    expectStreamEnd(pieces, 'stop', whole.usage);
    expect(whole.usage.completion_tokens).toBe(pieces.filter((p) => p.delta?.content).length);
    expect(whole.usage.total_tokens).toBe(whole.usage.prompt_tokens + whole.usage.completion_tokens);
  });

  it('sends the system prompt and the token cap to the v1beta endpoint', async () => {
    const result = await env.provider.complete(call({ messages: [{ role: 'system', content: 'Be terse' }, { role: 'user', content: 'Hello there friend' }] }, undefined, 3));
    expect(result.finishReason).toBe('length');
    expect(result.usage.completion_tokens).toBe(3);
    expect(env.sim.stats('google').lastBody).toMatchObject({
      systemInstruction: { parts: [{ text: 'Be terse' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hello there friend' }] }],
      generationConfig: { maxOutputTokens: 3 },
    });
  });

  it('calls a tool it is offered and asked for, streamed and not', async () => {
    const request = { messages: [{ role: 'user' as const, content: 'Use get_weather for Paris' }], tools: [weatherTool] };
    const { done: whole, pieces } = await wholeAndStreamed(env.provider, call, request);
    expect(whole.finishReason).toBe('tool_calls');
    expect(whole.message.content).toBeNull();
    expect(whole.message.tool_calls).toHaveLength(1);
    const [toolCall] = whole.message.tool_calls ?? [];
    expect(toolCall).toMatchObject({ id: 'call_0_get_weather', type: 'function', function: { name: 'get_weather' } });
    expect(Object.keys(JSON.parse(toolCall?.function.arguments ?? '') as object)).toEqual(['city']);
    expect(pieces[0]?.delta?.tool_calls).toEqual([{ index: 0, ...toolCall }]);
    expectStreamEnd(pieces, 'tool_calls', whole.usage);
  });

  it('is checked by a simulator that, like Gemini, refuses schemas with additionalProperties', async () => {
    const res = await fetch(`${env.sim.url}/google/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Use get_weather' }] }], tools: [{ functionDeclarations: [weatherTool.function] }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('additionalProperties') } });
  });

  it('sends a tool result back under the function name the tool call had', async () => {
    const result = await env.provider.complete(
      call({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Use get_weather for Paris' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_0_get_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'call_0_get_weather', content: 'sunny and 21C' },
        ],
      }),
    );
    expect(result.message.content).toBe('The tool returned: sunny and 21C');
    expect(env.sim.stats('google').lastBody).toMatchObject({
      contents: [{ role: 'user' }, { role: 'model' }, { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { content: 'sunny and 21C' } } }] }],
    });
  });

  it.each([503, 429])('reports a %i as a retryable UpstreamError, streamed and not', async (status) => {
    env.sim.configure('google', { fault: { kind: 'status', status, times: 2 } });
    const whole = await env.provider.complete(call({})).catch((err: unknown) => err);
    expect(whole).toBeInstanceOf(UpstreamError);
    expect(whole).toMatchObject({ retryable: true, upstream: status, message: expect.stringContaining(status === 429 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE') });
    const streamed = await collect(env.provider.stream(call({ stream: true }))).catch((err: unknown) => err);
    expect(streamed).toMatchObject({ retryable: true, upstream: status });
  });

  it('reports a 400 as an UpstreamError that is not retried', async () => {
    env.sim.configure('google', { fault: { kind: 'status', status: 400, times: 1 } });
    const error = await env.provider.complete(call({})).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: false, status: 400, message: expect.stringContaining('INVALID_ARGUMENT') });
  });

  it('turns a stream cut after two tokens into an UpstreamError, with no finish and no usage', async () => {
    const full = (await env.provider.complete(call({}))).message.content ?? '';
    env.sim.configure('google', { fault: { kind: 'cut', afterTokens: 2, times: 1 } });
    const pieces: StreamPiece[] = [];
    const error = await (async () => {
      for await (const piece of env.provider.stream(call({ stream: true }))) pieces.push(piece);
    })().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: true, upstream: 'stream' });
    expect(pieces.some((p) => p.finishReason || p.usage)).toBe(false);
    // The simulator flushes each frame before it cuts: exactly the two tokens arrive, the start of the answer.
    expect(pieces.length).toBe(2);
    expect(full.startsWith(textOf(pieces))).toBe(true);
  });

  it('stops reading when the caller aborts, and the upstream sees the client go away', async () => {
    env.sim.configure('google', { tokensPerSecond: 20 });
    const controller = new AbortController();
    const pieces: StreamPiece[] = [];
    const error = await (async () => {
      for await (const piece of env.provider.stream(call({ stream: true }, controller.signal))) {
        pieces.push(piece);
        controller.abort();
      }
    })().catch((err: unknown) => err);
    expect((error as Error).name).toBe('AbortError');
    expect(pieces).toHaveLength(1);
    await expect.poll(() => env.sim.stats('google').aborted).toBe(1);
    expect(env.sim.stats('google').completed).toBe(0);
  });
});
