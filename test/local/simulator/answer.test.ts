import { describe, expect, it } from 'vitest';
import { answer, countTokens } from '../../../lambda/local/simulator/answer';

const ask = (text: string, extra: Partial<Parameters<typeof answer>[0]> = {}) =>
  answer({ model: 'm', messages: [{ role: 'user', text }], tools: [], ...extra });

describe('simulator answers', () => {
  it('are deterministic and derived from the prompt, with usage matching what is emitted', () => {
    const a = ask('tell me about gateways');
    expect(ask('tell me about gateways')).toEqual(a);
    expect(a.pieces.join('')).toContain('tell me about gateways');
    expect(a.completionTokens).toBe(a.pieces.length);
    expect(countTokens(a.pieces.join(''))).toBe(a.pieces.length);
    expect(a.promptTokens).toBe(countTokens('tell me about gateways') + 1);
    expect(ask('something else').pieces).not.toEqual(a.pieces);
  });

  it('stop at max tokens with finish reason length', () => {
    const a = ask('a long question with many words in it', { maxTokens: 3 });
    expect(a.pieces).toHaveLength(3);
    expect(a.finish).toBe('length');
  });

  it('count reasoning and thinking against max tokens, as providers do, before the visible answer', () => {
    const free = ask('a long question with many words in it', { reasoning: true, thinking: true });
    const spent = free.reasoningTokens + (free.thinking?.pieces.length ?? 0);
    const a = ask('a long question with many words in it', { reasoning: true, thinking: true, maxTokens: spent + 2 });
    expect(a.completionTokens).toBe(spent + 2);
    expect(a.pieces).toHaveLength(2);
    expect(a.finish).toBe('length');
    const starved = ask('a long question with many words in it', { reasoning: true, thinking: true, maxTokens: 5 });
    expect(starved.completionTokens).toBe(5);
    expect(starved.pieces).toEqual([]);
    expect(starved.thinking?.pieces).toEqual([]);
    expect(starved.finish).toBe('length');
  });

  it('call a tool when one is offered and the prompt names it, with arguments of its schema', () => {
    const a = ask('please use lookup_order for order 42', {
      tools: [{ name: 'lookup_order', parameters: { type: 'object', properties: { id: { type: 'integer' }, note: { type: 'string' } } } }],
    });
    expect(a.finish).toBe('tool_calls');
    expect(a.toolCall?.name).toBe('lookup_order');
    const args = JSON.parse(a.toolCall?.arguments ?? '') as Record<string, unknown>;
    expect(typeof args.id).toBe('number');
    expect(typeof args.note).toBe('string');
    expect(ask('no tools wanted', { tools: [{ name: 'lookup_order' }] }).toolCall).toBeUndefined();
  });

  it('answer JSON for JSON mode and a schema-shaped object for structured output', () => {
    expect(() => JSON.parse(ask('json please', { json: true }).pieces.join(''))).not.toThrow();
    const shaped = JSON.parse(ask('x', { json: { type: 'object', properties: { ok: { type: 'boolean' } } } }).pieces.join('')) as { ok: unknown };
    expect(typeof shaped.ok).toBe('boolean');
  });
});
