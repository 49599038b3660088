import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anthropicErrorMessage, fromAnthropicMessage } from '../../../lambda/providers/anthropic';
import type { MessagesResponse } from '../../../lambda/providers/anthropic/wire';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), 'utf8'));

describe('fromAnthropicMessage (documented examples)', () => {
  it('translates a text answer with its usage', () => {
    expect(fromAnthropicMessage(fixture('message-text.json') as MessagesResponse)).toEqual({
      message: { role: 'assistant', content: 'Hi! My name is Claude.', refusal: null },
      finishReason: 'stop',
      usage: { prompt_tokens: 2095, completion_tokens: 503, total_tokens: 2598 },
    });
  });

  it('translates a tool_use answer into an OpenAI tool call with JSON arguments', () => {
    const result = fromAnthropicMessage(fixture('message-tool-use.json') as MessagesResponse);
    expect(result.finishReason).toBe('tool_calls');
    expect(result.message.content).toBe("I'll check the current weather in San Francisco for you.");
    expect(result.message.tool_calls).toEqual([
      { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } },
    ]);
    // The documented example omits usage; the adapter counts nothing rather than failing.
    expect(result.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });
});

describe('fromAnthropicMessage (edge cases)', () => {
  const base = { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', stop_sequence: null } as const;

  it('counts cache writes and reads as prompt tokens', () => {
    const result = fromAnthropicMessage({
      ...base,
      content: [{ type: 'text', text: 'ok' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 10, cache_creation_input_tokens: 200, cache_read_input_tokens: 3000, output_tokens: 5 },
    });
    expect(result.usage).toEqual({ prompt_tokens: 3210, completion_tokens: 5, total_tokens: 3215 });
  });

  it('maps every stop reason', () => {
    const reason = (stop_reason: MessagesResponse['stop_reason']) =>
      fromAnthropicMessage({ ...base, content: [], stop_reason, usage: { input_tokens: 1, output_tokens: 1 } }).finishReason;
    expect(reason('end_turn')).toBe('stop');
    expect(reason('stop_sequence')).toBe('stop');
    expect(reason('max_tokens')).toBe('length');
    expect(reason('tool_use')).toBe('tool_calls');
    expect(reason('refusal')).toBe('content_filter');
  });

  it('leaves content null for a tool-only answer, ignores blocks it cannot carry', () => {
    const result = fromAnthropicMessage({
      ...base,
      content: [
        { type: 'thinking' },
        { type: 'tool_use', id: 'toolu_a', name: 'f', input: {} },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 1, output_tokens: 2 },
    });
    expect(result.message.content).toBeNull();
    expect(result.message.tool_calls?.[0]?.function).toEqual({ name: 'f', arguments: '{}' });
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
