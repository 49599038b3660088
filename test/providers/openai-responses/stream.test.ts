// OpenAI's Responses stream, as the gateway reads it from OpenAI (through the simulator, which frames it as
// OpenAI does): reasoning items with their summaries and encrypted content, messages, function calls.
import { describe, expect, it } from 'vitest';
import { accumulate } from '../../../lambda/core/canonical/accumulate';
import { guardStream } from '../../../lambda/core/canonical/guard';
import type { CanonicalRequest } from '../../../lambda/core/canonical/request';
import { UpstreamError } from '../../../lambda/wire/errors';
import { createOpenAIResponsesProvider, fromResponsesStream } from '../../../lambda/providers/openai-responses';
import { collect, expectSameAnswer, rejection, upstreamCall, user, weatherTool, wholeAndStreamed, withSimulator } from '../../helpers/provider';

const env = withSimulator((sim) => createOpenAIResponsesProvider({ name: 'openai', kind: 'openai-responses', baseUrl: `${sim.url}/openai`, apiKey: 'sim', live: false }));
const call = (request: Partial<CanonicalRequest>) => upstreamCall({ model: 'gpt-5', messages: [user('Plan a garden')], ...request }, { upstreamModel: 'gpt-5', reasoning: true });

describe('openai-responses adapter vs simulator', () => {
  it('reads reasoning (summary and encrypted content), then the message, the same streamed or not', async () => {
    const { done, parts } = await wholeAndStreamed(env.provider, call, { reasoning: { summary: 'auto' } });
    expect(done.content[0]).toMatchObject({ type: 'reasoning', id: expect.stringMatching(/^rs_/), encrypted: expect.stringMatching(/^simenc_/), summary: [expect.stringContaining('Reasoned about')] });
    expect(done.content[1]).toMatchObject({ type: 'text', text: expect.stringContaining('Plan a garden') });
    expect(done.usage.reasoningTokens).toBeGreaterThan(0);
    expectSameAnswer(parts, done);
  });

  it('streams a function call with its call id and item id', async () => {
    const { done, parts } = await wholeAndStreamed(env.provider, call, { tools: [weatherTool], messages: [user('Use get_weather for Oslo')] });
    expect(done.reason).toBe('tool_calls');
    expect(done.content.find((p) => p.type === 'tool-call')).toMatchObject({ name: 'get_weather', itemId: expect.stringMatching(/^fc_/) });
    expectSameAnswer(parts, done);
  });

  it('is an upstream failure for response.failed, an error event, or events out of order', async () => {
    const guard = (text: string) => collect(guardStream(fromResponsesStream((async function* () { yield new TextEncoder().encode(text); })(), 'openai'), 'openai', new AbortController().signal));
    const ev = (data: Record<string, unknown>) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const text of [
      ev({ type: 'response.failed', response: { error: { message: 'boom' } } }),
      ev({ type: 'error', message: 'overloaded' }),
      ev({ type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'x' }),
      ev({ type: 'response.created' }),
    ]) {
      const err = await rejection(guard(text));
      expect(err).toBeInstanceOf(UpstreamError);
    }
  });

  it('the simulator, like OpenAI, refuses temperature for a reasoning model', async () => {
    const res = await fetch(`${env.sim.url}/openai/responses`, { method: 'POST', body: JSON.stringify({ model: 'gpt-5', input: 'x', temperature: 0.2 }) });
    expect(res.status).toBe(400);
    expect(accumulate([])).toMatchObject({ content: [] });
  });
});
