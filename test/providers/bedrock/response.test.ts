import { readFileSync } from 'node:fs';
import type { ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { finishReason, fromConverseOutput } from '../../../lambda/providers/bedrock/response';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/bedrock/${name}`, import.meta.url), 'utf8')) as ConverseCommandOutput;

describe('fromConverseOutput', () => {
  it('reads the documented text answer with its usage', () => {
    expect(fromConverseOutput(fixture('converse-text.json'))).toEqual({
      message: {
        role: 'assistant',
        content:
          'Here is a list of 3 pop songs by artists from the United Kingdom:\n\n1. "Wannabe" by Spice Girls\n2. "Bitter Sweet Symphony" by The Verve \n3. "Don\'t Look Back in Anger" by Oasis',
        refusal: null,
      },
      finishReason: 'stop',
      usage: { prompt_tokens: 125, completion_tokens: 60, total_tokens: 185 },
    });
  });

  it('reads the documented tool request as an OpenAI tool call with JSON arguments', () => {
    const result = fromConverseOutput(fixture('converse-tool-use.json'));
    expect(result.finishReason).toBe('tool_calls');
    expect(result.message.content).toBeNull();
    expect(result.message.tool_calls).toEqual([
      { id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', type: 'function', function: { name: 'top_song', arguments: '{"sign":"WZPZ"}' } },
    ]);
  });

  it('keeps text that accompanies a tool call', () => {
    const output = fixture('converse-tool-use.json');
    output.output?.message?.content?.unshift({ text: 'Let me check.' });
    const result = fromConverseOutput(output);
    expect(result.message.content).toBe('Let me check.');
    expect(result.message.tool_calls).toHaveLength(1);
  });

  it('counts cached prompt tokens as prompt tokens', () => {
    const output = fixture('converse-text.json');
    output.usage = { inputTokens: 10, outputTokens: 5, totalTokens: 1515, cacheReadInputTokens: 1000, cacheWriteInputTokens: 500 };
    expect(fromConverseOutput(output).usage).toEqual({ prompt_tokens: 1510, completion_tokens: 5, total_tokens: 1515 });
  });

  it('maps every stop reason', () => {
    expect(finishReason('end_turn')).toBe('stop');
    expect(finishReason('stop_sequence')).toBe('stop');
    expect(finishReason('max_tokens')).toBe('length');
    expect(finishReason('tool_use')).toBe('tool_calls');
    expect(finishReason('guardrail_intervened')).toBe('content_filter');
    expect(finishReason('content_filtered')).toBe('content_filter');
  });
});
