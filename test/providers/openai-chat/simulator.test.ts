// The OpenAI-compatible adapter (DeepSeek, Mistral, Groq, your own host) against the simulator's chat
// completions protocol, over loopback HTTP.
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../../lambda/core/canonical/request';
import { createOpenAIChatProvider } from '../../../lambda/providers/openai-chat';
import { answerText, collect, expectSameAnswer, system, textOf, upstreamCall, user, weatherTool, wholeAndStreamed, withSimulator } from '../../helpers/provider';

const env = withSimulator((sim) => createOpenAIChatProvider({ name: 'deepseek', kind: 'openai-chat', baseUrl: `${sim.url}/deepseek`, apiKey: 'sim', live: false }));
const call = (request: Partial<CanonicalRequest>, upstreamModel = 'deepseek-chat') => upstreamCall({ model: 'x', messages: [user('Tell me about rivers')], ...request }, { upstreamModel });

describe('openai-chat adapter vs simulator', () => {
  it('answers the same whether streamed or not, with the Bearer key', async () => {
    const { done, parts } = await wholeAndStreamed(env.provider, call);
    expect(answerText(done)).toMatch(/^Simulated deepseek-chat reply to: Tell me about rivers\./);
    expect(textOf(parts)).toBe(answerText(done));
    expectSameAnswer(parts, done);
  });

  it('shows the reasoner\'s reasoning_content as reasoning, with reasoning tokens', async () => {
    const { done, parts } = await wholeAndStreamed(env.provider, (r) => call(r, 'deepseek-reasoner'));
    expect(done.content[0]).toMatchObject({ type: 'reasoning', text: expect.stringContaining('Reasoned about') });
    expect(done.usage.reasoningTokens).toBeGreaterThan(0);
    expectSameAnswer(parts, done);
  });

  it('calls a forced tool and answers structured output through the schema tool', async () => {
    const forced = await env.provider.complete(call({ tools: [weatherTool], toolChoice: { type: 'tool', name: 'get_weather' }, messages: [user('hello')] }));
    expect(forced.content[0]).toMatchObject({ type: 'tool-call', name: 'get_weather' });
    const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 10, maximum: 12 } }, required: ['n'] };
    const { done, parts } = await wholeAndStreamed(env.provider, call, { output: { type: 'json_schema', name: 'n', schema } });
    expect((JSON.parse(answerText(done)) as { n: number }).n).toBeGreaterThanOrEqual(10);
    expect(done.reason).toBe('stop');
    expect(textOf(parts)).toBe(answerText(done));
  });

  it('reports cached tokens for a repeated long prefix', async () => {
    const long = system(Array.from({ length: 1050 }, (_, i) => `p${i}`).join(' '));
    await env.provider.complete(call({ messages: [long, user('one')] }));
    const again = await collect(env.provider.stream(call({ messages: [long, user('two')], stream: true })));
    expect(again.at(-1)).toMatchObject({ type: 'finish', usage: { cacheReadTokens: 1050 } });
  });
});
