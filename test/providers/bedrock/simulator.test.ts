// The Bedrock adapter against the simulator's Bedrock protocol, through the real AWS SDK over loopback HTTP.
import { describe, expect, it } from 'vitest';
import { accumulate } from '../../../lambda/core/canonical/accumulate';
import type { CanonicalRequest } from '../../../lambda/core/canonical/request';
import type { StreamPart } from '../../../lambda/core/canonical/result';
import { signThought } from '../../../lambda/local/simulator/answer';
import { UpstreamError } from '../../../lambda/wire/errors';
import { createBedrockProvider } from '../../../lambda/providers/bedrock';
import { answerText, collect, expectSameAnswer, rejection, system, textOf, toolCall, toolResult, upstreamCall, user, weatherTool, withSimulator } from '../../helpers/provider';

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const env = withSimulator((sim) => createBedrockProvider({ name: 'bedrock', kind: 'bedrock', baseUrl: `${sim.url}/bedrock`, region: 'us-east-1', live: false }));

const call = (request: Partial<CanonicalRequest>, signal?: AbortSignal, upstreamModel = MODEL, maxTokens = 256) =>
  upstreamCall({ model: 'claude', messages: [user('Tell me about lighthouses')], ...request }, { upstreamModel, maxTokens, reasoning: true, signal });

describe('bedrock adapter vs simulator', () => {
  it('reaches /model/{modelId}/converse under the endpoint’s path prefix with a Converse body', async () => {
    await env.provider.complete(call({ messages: [system('Be kind.'), user('Hello')] }));
    expect(env.sim.stats('bedrock').requests).toBe(1);
    expect(env.sim.stats('bedrock').lastBody).toEqual({
      system: [{ text: 'Be kind.' }],
      messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
      inferenceConfig: { maxTokens: 256 },
    });
  });

  it('answers with text, the same whether streamed or not, with equal usage', async () => {
    const done = await env.provider.complete(call({}));
    expect(done.reason).toBe('stop');
    expect(answerText(done)).toMatch(new RegExp(`^Simulated ${MODEL.replace(/\./g, '\\.')} reply to: Tell me about lighthouses\\.`));
    expect(done.usage.outputTokens).toBeGreaterThan(0);
    const parts = await collect(env.provider.stream(call({ stream: true })));
    expect(textOf(parts)).toBe(answerText(done));
    expectSameAnswer(parts, done);
  });

  it('calls the tool the prompt names, streamed and not', async () => {
    const request = { tools: [weatherTool], messages: [user('Use get_weather for Paris')] };
    const done = await env.provider.complete(call(request));
    expect(done.reason).toBe('tool_calls');
    expect(done.content[0]).toMatchObject({ type: 'tool-call', callId: expect.stringMatching(/^tooluse_/), name: 'get_weather' });
    const parts = await collect(env.provider.stream(call({ ...request, stream: true })));
    expectSameAnswer(parts, done);
  });

  it('sends a whole tool exchange in a shape Bedrock accepts and answers from the tool result', async () => {
    const done = await env.provider.complete(
      call({ tools: [weatherTool], messages: [user('What is the weather in Paris?'), user('Be quick.'), toolCall('call_1', 'get_weather', '{"city":"Paris"}'), toolResult('call_1', 'Sunny, 24C')] }),
    );
    expect(answerText(done)).toBe('The tool returned: Sunny, 24C');
    expect(done.reason).toBe('stop');
  });

  it('answers structured output through the schema tool, as JSON valid against the schema', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 2 } }, required: ['city', 'days'] };
    const done = await env.provider.complete(call({ output: { type: 'json_schema', name: 'trip', schema } }, undefined, 'us.amazon.nova-pro-v1:0'));
    const parsed = JSON.parse(answerText(done)) as { city?: unknown; days?: number };
    expect(typeof parsed.city).toBe('string');
    expect(parsed.days).toBeGreaterThanOrEqual(2);
    expect(done.reason).toBe('stop');
  });

  it('thinks on Claude when asked, with a signature Bedrock accepts back unchanged', async () => {
    const claude = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
    const done = await env.provider.complete(call({ reasoning: { budgetTokens: 1024 } }, undefined, claude, 4096));
    const thought = done.content[0];
    expect(thought).toMatchObject({ type: 'reasoning', signature: signThought(thought?.type === 'reasoning' ? thought.text : '') });
    const parts: StreamPart[] = await collect(env.provider.stream(call({ reasoning: { budgetTokens: 1024 }, stream: true }, undefined, claude, 4096)));
    expect(accumulate(parts).content[0]).toEqual(thought);
    const next = await env.provider.complete(call({ reasoning: { budgetTokens: 1024 }, messages: [user('Tell me about lighthouses'), { role: 'assistant', content: done.content }, user('more')] }, undefined, claude, 4096));
    expect(next.reason).toBe('stop');
  });

  it('reports cache writes then reads for a prefix behind a cache point', async () => {
    const long = Array.from({ length: 1200 }, (_, i) => `t${i}`).join(' ');
    const request = (q: string) => call({ messages: [{ role: 'system', content: [{ type: 'text', text: long, cache: {} }] }, user(q)] });
    expect((await env.provider.complete(request('one'))).usage).toMatchObject({ cacheWriteTokens: 1200, cacheReadTokens: 0 });
    expect((await env.provider.complete(request('two'))).usage).toMatchObject({ cacheWriteTokens: 0, cacheReadTokens: 1200 });
  });

  it('reports the output cap as finish reason length', async () => {
    const done = await env.provider.complete({ ...call({}), maxTokens: 3 });
    expect(done.reason).toBe('length');
    expect(done.usage.outputTokens).toBe(3);
  });

  it('surfaces 503 and 429 as retryable errors, once each: the SDK does not retry them away', async () => {
    for (const status of [503, 429]) {
      env.sim.configure('bedrock', { fault: { kind: 'status', status, times: 1 } });
      const err = await rejection(env.provider.complete(call({})));
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as UpstreamError).upstream).toBe(status);
      expect((err as UpstreamError).retryable).toBe(true);
    }
    env.sim.configure('bedrock', { fault: { kind: 'status', status: 503, times: 1 } });
    const streamed = await rejection(collect(env.provider.stream(call({ stream: true }))));
    expect((streamed as UpstreamError).upstream).toBe(503);
    expect(env.sim.stats('bedrock').requests).toBe(3);
  });

  it('surfaces a 400 as the request’s own, not retryable', async () => {
    env.sim.configure('bedrock', { fault: { kind: 'status', status: 400, times: 1 } });
    const err = await rejection(env.provider.complete(call({})));
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).upstream).toBe(400);
    expect((err as UpstreamError).retryable).toBe(false);
  });

  it('fails a stream cut after two tokens with a retryable stream error', async () => {
    env.sim.configure('bedrock', { fault: { kind: 'cut', afterTokens: 2 } });
    const err = await rejection(collect(env.provider.stream(call({ stream: true }))));
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).upstream).toBe('stream');
    expect((err as UpstreamError).retryable).toBe(true);
  });

  it('stops a stream when the caller aborts, and the upstream sees the client go', async () => {
    env.sim.configure('bedrock', { tokensPerSecond: 20 });
    const controller = new AbortController();
    const reason = new Error('client went away');
    const seen: StreamPart[] = [];
    const err = await rejection(
      (async () => {
        for await (const part of env.provider.stream(call({ stream: true }, controller.signal))) {
          seen.push(part);
          if (part.type === 'text-delta') controller.abort(reason);
        }
      })(),
    );
    expect(err).toBe(reason);
    expect(seen.filter((p) => p.type === 'text-delta')).toHaveLength(1);
    await expect.poll(() => env.sim.stats('bedrock').aborted).toBe(1);
    expect(env.sim.stats('bedrock').completed).toBe(0);
  });

  it('stops a non-streamed call when the caller aborts', async () => {
    env.sim.configure('bedrock', { ttftMs: 2_000 });
    const controller = new AbortController();
    const reason = new Error('gateway time limit');
    setTimeout(() => controller.abort(reason), 50);
    expect(await rejection(env.provider.complete(call({}, controller.signal)))).toBe(reason);
    await expect.poll(() => env.sim.stats('bedrock').aborted).toBe(1);
  });
});
