import { describe, expect, it } from 'vitest';
import type { ToolCall } from '../../lambda/openai/types';
import { assistantMessage, contentOf } from '../../lambda/providers/message';

const call: ToolCall = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };

describe('assistantMessage', () => {
  it('carries tool calls only when there are some', () => {
    expect(assistantMessage('Hi', [])).toEqual({ role: 'assistant', content: 'Hi', refusal: null });
    expect(assistantMessage(null, [call])).toEqual({ role: 'assistant', content: null, refusal: null, tool_calls: [call] });
  });

  it('keeps the content it is given, even an empty string beside tool calls', () => {
    expect(assistantMessage('', [call]).content).toBe('');
  });
});

describe('contentOf', () => {
  it('makes an empty text beside tool calls null, and leaves any other text as it is', () => {
    expect(contentOf('', [call])).toBeNull();
    expect(contentOf('', [])).toBe('');
    expect(contentOf('Let me check.', [call])).toBe('Let me check.');
  });
});
