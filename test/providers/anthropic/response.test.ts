import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anthropicErrorMessage, fromAnthropicMessage } from '../../../lambda/providers/anthropic';
import type { MessagesResponse } from '../../../lambda/wire/formats/anthropic';
import { usage } from '../../../lambda/core/canonical/usage';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), 'utf8'));

describe('fromAnthropicMessage (documented examples)', () => {
  it('translates a text answer with its usage', () => {
    expect(fromAnthropicMessage(fixture('message-text.json') as MessagesResponse)).toEqual({
      content: [{ type: 'text', text: 'Hi! My name is Claude.' }],
      reason: 'stop',
      usage: usage({ inputTokens: 2095, outputTokens: 503 }),
    });
  });

  it('translates a tool_use answer into a tool call with JSON arguments', () => {
    const result = fromAnthropicMessage(fixture('message-tool-use.json') as MessagesResponse);
    expect(result.reason).toBe('tool_calls');
    expect(result.content).toEqual([
      { type: 'text', text: "I'll check the current weather in San Francisco for you." },
      { type: 'tool-call', callId: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
    ]);
    // The documented example omits usage; the adapter counts nothing rather than failing.
    expect(result.usage).toEqual(usage({}));
  });
});

describe('fromAnthropicMessage (edge cases)', () => {
  const base = { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', stop_sequence: null } as const;

  it('counts cache writes and reads as input tokens, and says which were which', () => {
    const result = fromAnthropicMessage({
      ...base,
      content: [{ type: 'text', text: 'ok' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 10, cache_creation_input_tokens: 200, cache_read_input_tokens: 3000, output_tokens: 5 },
    });
    expect(result.usage).toEqual({ inputTokens: 3210, outputTokens: 5, cacheReadTokens: 3000, cacheWriteTokens: 200, reasoningTokens: 0 });
  });

  it('maps every stop reason, keeping the stop sequence that ended the answer', () => {
    const reason = (stop_reason: MessagesResponse['stop_reason'], stop_sequence: string | null = null) =>
      fromAnthropicMessage({ ...base, content: [], stop_reason, stop_sequence, usage: { input_tokens: 1, output_tokens: 1 } });
    expect(reason('end_turn').reason).toBe('stop');
    expect(reason('stop_sequence', 'END')).toMatchObject({ reason: 'stop', stopSequence: 'END' });
    expect(reason('max_tokens').reason).toBe('length');
    expect(reason('tool_use').reason).toBe('tool_calls');
    expect(reason('refusal').reason).toBe('content_filter');
  });

  it('keeps thinking with its signature and redacted thinking, and skips blocks it cannot carry', () => {
    const result = fromAnthropicMessage({
      ...base,
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'sig==' },
        { type: 'redacted_thinking', data: 'opaque' },
        { type: 'server_tool_use' },
        { type: 'tool_use', id: 'toolu_a', name: 'f', input: {} },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 1, output_tokens: 2 },
    });
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'hmm', signature: 'sig==' },
      { type: 'reasoning', text: '', redacted: 'opaque' },
      { type: 'tool-call', callId: 'toolu_a', name: 'f', arguments: '{}' },
    ]);
  });
});

describe('anthropicErrorMessage', () => {
  it('reads the documented error shape', () => {
    expect(anthropicErrorMessage(fixture('error-not-found.json'))).toBe('not_found_error: The requested resource could not be found.');
  });

  it('returns undefined for bodies of another shape', () => {
    expect(anthropicErrorMessage({ message: 'nope' })).toBeUndefined();
    expect(anthropicErrorMessage(null)).toBeUndefined();
  });
});
