// The Bedrock adapter against the simulator's Bedrock protocol, through the real AWS SDK over loopback HTTP.
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambda/openai/errors';
import type { ChatRequest, StreamPiece } from '../../../lambda/openai/types';
import { createBedrockProvider } from '../../../lambda/providers/bedrock';
import { collect, rejection, upstreamCall, weatherTool, withSimulator } from '../../helpers/provider';

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const env = withSimulator((sim) =>
  createBedrockProvider({ name: 'bedrock', kind: 'bedrock', baseUrl: `${sim.url}/bedrock`, region: 'us-east-1', live: false }),
);

const call = (request: Partial<ChatRequest>, signal?: AbortSignal) =>
  upstreamCall(
    { model: 'claude', messages: [{ role: 'user', content: 'Tell me about lighthouses' }], ...request },
    { upstreamModel: MODEL, maxTokens: 256, signal },
  );

describe('bedrock adapter vs simulator', () => {
  it('reaches /model/{modelId}/converse under the endpoint’s path prefix with a Converse body', async () => {
    await env.provider.complete(call({ messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hello' }] }));
    expect(env.sim.stats('bedrock').requests).toBe(1);
    expect(env.sim.stats('bedrock').lastBody).toEqual({
      system: [{ text: 'Be kind.' }],
      messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
      inferenceConfig: { maxTokens: 256 },
    });
  });

  it('answers with text, the same whether streamed or not, with equal usage', async () => {
    const done = await env.provider.complete(call({}));
    expect(done.finishReason).toBe('stop');
    expect(done.message.content).toMatch(new RegExp(`^Simulated ${MODEL.replace(/\./g, '\\.')} reply to: Tell me about lighthouses\\.`));
    expect(done.usage.completion_tokens).toBeGreaterThan(0);
    expect(done.usage.total_tokens).toBe(done.usage.prompt_tokens + done.usage.completion_tokens);

    const pieces = await collect(env.provider.stream(call({ stream: true })));
    expect(pieces.map((p) => p.delta?.content ?? '').join('')).toBe(done.message.content);
    expect(pieces.at(-2)).toEqual({ finishReason: 'stop' });
    expect(pieces.at(-1)).toEqual({ usage: done.usage });
  });

  it('calls the tool the prompt names, streamed and not', async () => {
    const request = { tools: [weatherTool], messages: [{ role: 'user' as const, content: 'Use get_weather for Paris' }] };
    const done = await env.provider.complete(call(request));
    expect(done.finishReason).toBe('tool_calls');
    expect(done.message.content).toBeNull();
    const toolCall = done.message.tool_calls?.[0];
    expect(toolCall?.id).toMatch(/^tooluse_/);
    expect(toolCall?.function.name).toBe('get_weather');
    expect(typeof (JSON.parse(toolCall?.function.arguments ?? 'null') as { city?: unknown }).city).toBe('string');

    const pieces = await collect(env.provider.stream(call({ ...request, stream: true })));
    const deltas = pieces.flatMap((p) => p.delta?.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, id: toolCall?.id, function: { name: 'get_weather', arguments: '' } });
    expect(JSON.parse(deltas.map((d) => d.function?.arguments ?? '').join(''))).toEqual(JSON.parse(toolCall?.function.arguments ?? ''));
    expect(pieces.at(-2)).toEqual({ finishReason: 'tool_calls' });
    expect(pieces.at(-1)).toEqual({ usage: done.usage });
  });

  it('sends a whole tool exchange in a shape Bedrock accepts and answers from the tool result', async () => {
    const done = await env.provider.complete(
      call({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'What is the weather in Paris?' },
          { role: 'user', content: 'Be quick.' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'Sunny, 24C' },
        ],
      }),
    );
    expect(done.message.content).toBe('The tool returned: Sunny, 24C');
    expect(done.finishReason).toBe('stop');
  });

  it('answers in JSON when asked to', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] };
    const done = await env.provider.complete(call({ response_format: { type: 'json_schema', json_schema: { name: 'trip', schema } } }));
    const parsed = JSON.parse(done.message.content ?? '') as { city?: unknown; days?: unknown };
    expect(typeof parsed.city).toBe('string');
    expect(typeof parsed.days).toBe('number');
  });

  it('reports the output cap as finish reason length', async () => {
    const done = await env.provider.complete({ ...call({}), maxTokens: 3 });
    expect(done.finishReason).toBe('length');
    expect(done.usage.completion_tokens).toBe(3);
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
    const seen: StreamPiece[] = [];
    const err = await rejection(
      (async () => {
        for await (const piece of env.provider.stream(call({ stream: true }, controller.signal))) {
          seen.push(piece);
          controller.abort(reason);
        }
      })(),
    );
    expect(err).toBe(reason);
    expect(seen).toHaveLength(1);
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
