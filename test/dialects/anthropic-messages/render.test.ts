import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../../lambda/core/canonical/result';
import { usage } from '../../../lambda/core/canonical/usage';
import type { Served } from '../../../lambda/core/lifecycle';
import { renderAnthropicError } from '../../../lambda/dialects/anthropic-messages/error';
import { MessagesStreamEncoder, renderMessage } from '../../../lambda/dialects/anthropic-messages/render';
import { encodeStream } from '../../../lambda/dialects/sse';
import { BadRequestError, RateLimitError, ServiceUnavailableError, UpstreamError } from '../../../lambda/wire/errors';
import { findModel } from '../../helpers/catalog';

const served: Served = { model: findModel('gpt-5')!, provider: 'openai', mode: 'explicit', reason: 'r', attempts: [] };

async function events(parts: StreamPart[], thinking: boolean, fail?: Error): Promise<Array<{ event: string; data: Record<string, unknown> }>> {
  async function* source() {
    yield* parts;
    if (fail) throw fail;
  }
  let text = '';
  for await (const e of encodeStream(source(), new MessagesStreamEncoder('msg_1', 'gpt-5', thinking))) text += e;
  return text.split('\n\n').filter(Boolean).map((e) => ({ event: /^event: (.*)$/m.exec(e)![1]!, data: JSON.parse(/^data: (.*)$/m.exec(e)![1]!) as Record<string, unknown> }));
}

describe('Messages rendering', () => {
  it('renders Anthropic usage (input without the cache tokens) and stop reasons', () => {
    const m = renderMessage({ content: [{ type: 'text', text: 'hi' }], reason: 'stop', stopSequence: 'END', usage: usage({ inputTokens: 100, cacheReadTokens: 60, cacheWriteTokens: 10, outputTokens: 5 }) }, served, 'msg_1', false);
    expect(m).toEqual({
      id: 'msg_1', type: 'message', role: 'assistant', model: 'gpt-5', content: [{ type: 'text', text: 'hi' }], stop_reason: 'stop_sequence', stop_sequence: 'END',
      usage: { input_tokens: 30, cache_read_input_tokens: 60, cache_creation_input_tokens: 10, output_tokens: 5 },
    });
  });

  it('numbers blocks densely, whatever the provider\'s indexes, and hides reasoning unless thinking is on', async () => {
    const parts: StreamPart[] = [
      { type: 'reasoning-start', index: 3 },
      { type: 'reasoning-delta', index: 3, text: 'hm' },
      { type: 'reasoning-end', index: 3 },
      { type: 'text-start', index: 7 },
      { type: 'text-delta', index: 7, text: 'ok' },
      { type: 'text-end', index: 7 },
      { type: 'finish', reason: 'stop', usage: usage({ inputTokens: 2, outputTokens: 3 }) },
    ];
    const shown = await events(parts, true);
    expect(shown.map((e) => e.event)).toEqual(['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_stop', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(shown.filter((e) => 'index' in e.data).map((e) => e.data.index)).toEqual([0, 0, 0, 1, 1, 1]);
    const hidden = await events(parts, false);
    expect(hidden.filter((e) => e.event === 'content_block_start').map((e) => e.data.index)).toEqual([0]);
    expect(hidden.find((e) => e.event === 'content_block_start')?.data.content_block).toEqual({ type: 'text', text: '' });
    expect(hidden.find((e) => e.event === 'message_delta')?.data).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3 } });
  });

  it('ends a stream that fails after it began with an error event', async () => {
    const got = await events([{ type: 'text-start', index: 0 }], false, new UpstreamError('openai ended the stream early', 'stream'));
    expect(got.at(-1)).toEqual({ event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'openai ended the stream early' } } });
  });

  it('renders errors in Anthropic\'s shape, in its path style and field names', () => {
    expect(renderAnthropicError(new BadRequestError("'messages[0].content' must be a string.", { param: 'messages[0].content' }))).toEqual({
      status: 400,
      headers: {},
      body: { type: 'error', error: { type: 'invalid_request_error', message: "'messages.0.content' must be a string." } },
    });
    expect(renderAnthropicError(new BadRequestError('cannot enforce a JSON schema', { param: 'response_format' })).body).toMatchObject({ error: { message: 'output_format: cannot enforce a JSON schema' } });
    expect(renderAnthropicError(new RateLimitError('slow down')).body).toMatchObject({ error: { type: 'rate_limit_error' } });
    expect(renderAnthropicError(new ServiceUnavailableError('down'))).toMatchObject({ status: 503, body: { error: { type: 'overloaded_error' } } });
  });
});
