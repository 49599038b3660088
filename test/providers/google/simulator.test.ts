// The Google adapter against the simulator's Gemini protocol, over real HTTP on loopback.
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest, Tool } from '../../../lambda/core/canonical/request';
import type { StreamPart } from '../../../lambda/core/canonical/result';
import { UpstreamError } from '../../../lambda/wire/errors';
import { createGoogleProvider } from '../../../lambda/providers/google';
import { answerText, collect, expectSameAnswer, expectStreamEnd, system, textOf, toolCall, toolResult, upstreamCall, user, wholeAndStreamed, withSimulator } from '../../helpers/provider';

const env = withSimulator((sim) => createGoogleProvider({ name: 'google', kind: 'google', baseUrl: `${sim.url}/google`, apiKey: 'sim', live: false }));

const call = (request: Partial<CanonicalRequest>, signal?: AbortSignal, maxTokens = 200) =>
  upstreamCall({ model: 'gemini-2.5-flash', messages: [user('Tell me about the sea')], ...request }, { upstreamModel: 'gemini-2.5-flash', maxTokens, reasoning: true, signal });

const weatherTool: Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  // additionalProperties is what OpenAI's strict mode wants and what Gemini answers 400 to.
  parameters: { type: 'object', additionalProperties: false, properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('google adapter against the simulator', () => {
  it('answers with text, streamed and not, with the same text and the same usage', async () => {
    const { done: whole, parts } = await wholeAndStreamed(env.provider, call);
    expect(answerText(whole)).toMatch(/^Simulated gemini-2\.5-flash reply to: Tell me about the sea\./);
    expect(whole.reason).toBe('stop');
    expect(textOf(parts)).toBe(answerText(whole));
    expect(parts.filter((p) => p.type === 'text-delta').length).toBeGreaterThan(3);
    expectStreamEnd(parts, 'stop', whole.usage);
    // Gemini 2.5 thinks: its thoughts are output tokens too, and reported as reasoning.
    expect(whole.usage.reasoningTokens).toBeGreaterThan(0);
    expect(whole.usage.outputTokens).toBe(parts.filter((p) => p.type === 'text-delta').length + whole.usage.reasoningTokens);
  });

  it('shows its thoughts as reasoning when asked for a thinking budget', async () => {
    const { done, parts } = await wholeAndStreamed(env.provider, call, { reasoning: { budgetTokens: 1024 } });
    expect(done.content[0]).toMatchObject({ type: 'reasoning', text: expect.stringContaining('Reasoned about') });
    expectSameAnswer(parts, done);
  });

  it('sends the system prompt and the token cap to the v1beta endpoint', async () => {
    const result = await env.provider.complete(call({ messages: [system('Be terse'), user('Hello there friend')] }, undefined, 3));
    expect(result.reason).toBe('length');
    expect(env.sim.stats('google').lastBody).toMatchObject({
      systemInstruction: { parts: [{ text: 'Be terse' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hello there friend' }] }],
      generationConfig: { maxOutputTokens: 3 },
    });
  });

  it('calls a tool it is offered and asked for, streamed and not', async () => {
    const request = { messages: [user('Use get_weather for Paris')], tools: [weatherTool] };
    const { done: whole, parts } = await wholeAndStreamed(env.provider, call, request);
    expect(whole.reason).toBe('tool_calls');
    expect(whole.content).toHaveLength(1);
    expect(whole.content[0]).toMatchObject({ type: 'tool-call', callId: 'call_0_get_weather', name: 'get_weather' });
    expect(Object.keys(JSON.parse((whole.content[0] as { arguments: string }).arguments) as object)).toEqual(['city']);
    expectSameAnswer(parts, whole);
  });

  it('follows a forced tool choice, and structured output comes back valid against its schema', async () => {
    const forced = await env.provider.complete(call({ tools: [weatherTool], toolChoice: { type: 'tool', name: 'get_weather' }, messages: [user('hi')] }));
    expect(forced.reason).toBe('tool_calls');
    const schema = { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' }, minItems: 2 } }, required: ['tags'] };
    const structured = await env.provider.complete(call({ output: { type: 'json_schema', name: 's', schema } }));
    expect((JSON.parse(answerText(structured)) as { tags: string[] }).tags.length).toBeGreaterThanOrEqual(2);
  });

  it('is checked by a simulator that, like Gemini, refuses schemas with additionalProperties', async () => {
    const res = await fetch(`${env.sim.url}/google/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Use get_weather' }] }], tools: [{ functionDeclarations: [{ ...weatherTool }] }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('additionalProperties') } });
  });

  it('sends a tool result back under the function name the tool call had', async () => {
    const result = await env.provider.complete(
      call({ tools: [weatherTool], messages: [user('Use get_weather for Paris'), toolCall('call_0_get_weather', 'get_weather', '{"city":"Paris"}'), toolResult('call_0_get_weather', 'sunny and 21C')] }),
    );
    expect(answerText(result)).toBe('The tool returned: sunny and 21C');
    expect(env.sim.stats('google').lastBody).toMatchObject({
      contents: [{ role: 'user' }, { role: 'model' }, { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { content: 'sunny and 21C' } } }] }],
    });
  });

  it('reports cached tokens when a long prompt prefix repeats (implicit caching)', async () => {
    const long = system(Array.from({ length: 1100 }, (_, i) => `w${i}`).join(' '));
    await env.provider.complete(call({ messages: [long, user('first')] }));
    const again = await env.provider.complete(call({ messages: [long, user('second')] }));
    expect(again.usage.cacheReadTokens).toBe(1100);
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

  it('turns a stream cut after two tokens into an UpstreamError, with no finish', async () => {
    const full = answerText(await env.provider.complete(call({})));
    env.sim.configure('google', { fault: { kind: 'cut', afterTokens: 2, times: 1 } });
    const parts: StreamPart[] = [];
    const error = await (async () => {
      for await (const part of env.provider.stream(call({ stream: true }))) parts.push(part);
    })().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: true, upstream: 'stream' });
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
    // The simulator flushes each frame before it cuts: exactly the two tokens arrive, the start of the answer.
    expect(parts.filter((p) => p.type === 'text-delta').length).toBe(2);
    expect(full.startsWith(textOf(parts))).toBe(true);
  });

  it('stops reading when the caller aborts, and the upstream sees the client go away', async () => {
    env.sim.configure('google', { tokensPerSecond: 20 });
    const controller = new AbortController();
    const parts: StreamPart[] = [];
    const error = await (async () => {
      for await (const part of env.provider.stream(call({ stream: true }, controller.signal))) {
        parts.push(part);
        if (part.type === 'text-delta') controller.abort();
      }
    })().catch((err: unknown) => err);
    expect((error as Error).name).toBe('AbortError');
    expect(parts.filter((p) => p.type === 'text-delta')).toHaveLength(1);
    await expect.poll(() => env.sim.stats('google').aborted).toBe(1);
    expect(env.sim.stats('google').completed).toBe(0);
  });
});
