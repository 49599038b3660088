import { describe, expect, it } from 'vitest';
import { accumulate } from '../../../lambda/core/canonical/accumulate';
import { guardStream } from '../../../lambda/core/canonical/guard';
import { usage } from '../../../lambda/core/canonical/usage';
import { UpstreamError } from '../../../lambda/wire/errors';
import type { ChatCompletion } from '../../../lambda/wire/formats/openai-chat';
import { fromChatCompletion, fromChatStream } from '../../../lambda/providers/openai-chat';
import { collect, rejection } from '../../helpers/provider';

async function* bytes(text: string, size = 9): AsyncGenerator<Uint8Array> {
  const all = new TextEncoder().encode(text);
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
}
const chunk = (delta: unknown, finish: string | null = null, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
const parts = (text: string) => collect(guardStream(fromChatStream(bytes(text), 'deepseek'), 'deepseek', new AbortController().signal));

describe('fromChatCompletion', () => {
  it('reads text, reasoning_content, tool calls and the usage details (cached, reasoning; DeepSeek cache hits)', () => {
    const body = {
      id: 'x', object: 'chat.completion', created: 1, model: 'deepseek-reasoner',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok', refusal: null, reasoning_content: 'because', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, logprobs: null, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_cache_hit_tokens: 64, completion_tokens_details: { reasoning_tokens: 12 } },
    } as ChatCompletion;
    expect(fromChatCompletion(body)).toEqual({
      content: [{ type: 'reasoning', text: 'because' }, { type: 'text', text: 'ok' }, { type: 'tool-call', callId: 'c', name: 'f', arguments: '{}' }],
      reason: 'tool_calls',
      usage: usage({ inputTokens: 100, outputTokens: 20, cacheReadTokens: 64, reasoningTokens: 12 }),
    });
  });
});

describe('fromChatStream', () => {
  it('turns reasoning, text and tool-call deltas into blocks, finishing with the usage chunk', async () => {
    const got = await parts(
      chunk({ role: 'assistant', content: '' }) +
        chunk({ reasoning_content: 'hmm' }) +
        chunk({ content: 'Hi' }) +
        chunk({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '' } }] }) +
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }) +
        chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }) +
        chunk({}, 'tool_calls') +
        `data: ${JSON.stringify({ id: 'x', choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12, prompt_tokens_details: { cached_tokens: 2 } } })}\n\n` +
        'data: [DONE]\n\n',
    );
    expect(accumulate(got)).toEqual({
      content: [{ type: 'reasoning', text: 'hmm' }, { type: 'text', text: 'Hi' }, { type: 'tool-call', callId: 'c1', name: 'f', arguments: '{"a":1}' }],
      reason: 'tool_calls',
      usage: usage({ inputTokens: 5, outputTokens: 7, cacheReadTokens: 2 }),
    });
  });

  it('finishes a host that closes without [DONE] once its finish reason came, and cuts one without', async () => {
    expect((await parts(chunk({ content: 'a' }) + chunk({}, 'stop'))).at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    const cut = await rejection(parts(chunk({ content: 'a' })));
    expect((cut as UpstreamError).upstream).toBe('stream');
  });

  it('is an upstream failure, not a 500, for malformed JSON or an error chunk', async () => {
    for (const body of [chunk({ content: 'a' }) + 'data: {"choices": [\n\n', chunk({ content: 'a' }) + `data: ${JSON.stringify({ error: { message: 'overloaded' } })}\n\n`, 'data: 42\n\n']) {
      const err = await rejection(parts(body));
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as UpstreamError).retryable).toBe(true);
    }
  });
});
