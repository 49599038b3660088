import { readFileSync } from 'node:fs';
import type { ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { usage } from '../../../lambda/core/canonical/usage';
import { finishReason, fromConverseOutput } from '../../../lambda/providers/bedrock/response';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/bedrock/${name}`, import.meta.url), 'utf8')) as ConverseCommandOutput;

describe('fromConverseOutput', () => {
  it('reads the documented text answer with its usage', () => {
    expect(fromConverseOutput(fixture('converse-text.json'))).toEqual({
      content: [
        {
          type: 'text',
          text: 'Here is a list of 3 pop songs by artists from the United Kingdom:\n\n1. "Wannabe" by Spice Girls\n2. "Bitter Sweet Symphony" by The Verve \n3. "Don\'t Look Back in Anger" by Oasis',
        },
      ],
      reason: 'stop',
      usage: usage({ inputTokens: 125, outputTokens: 60 }),
    });
  });

  it('reads the documented tool request as a tool call with JSON arguments', () => {
    const result = fromConverseOutput(fixture('converse-tool-use.json'));
    expect(result.reason).toBe('tool_calls');
    expect(result.content).toEqual([{ type: 'tool-call', callId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'top_song', arguments: '{"sign":"WZPZ"}' }]);
  });

  it('keeps text that accompanies a tool call, and Claude reasoning with its signature', () => {
    const output = fixture('converse-tool-use.json');
    output.output?.message?.content?.unshift({ reasoningContent: { reasoningText: { text: 'hmm', signature: 'sig' } } }, { text: 'Let me check.' });
    const result = fromConverseOutput(output);
    expect(result.content.slice(0, 2)).toEqual([{ type: 'reasoning', text: 'hmm', signature: 'sig' }, { type: 'text', text: 'Let me check.' }]);
    expect(result.content).toHaveLength(3);
  });

  it('counts cached prompt tokens as input tokens, as reads and writes', () => {
    const output = fixture('converse-text.json');
    output.usage = { inputTokens: 10, outputTokens: 5, totalTokens: 1515, cacheReadInputTokens: 1000, cacheWriteInputTokens: 500 };
    expect(fromConverseOutput(output).usage).toEqual(usage({ inputTokens: 1510, outputTokens: 5, cacheReadTokens: 1000, cacheWriteTokens: 500 }));
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
