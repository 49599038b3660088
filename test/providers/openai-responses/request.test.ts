import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../../lambda/core/canonical/request';
import { toResponsesBody } from '../../../lambda/providers/openai-responses';
import { system, toolCall, toolResult, upstreamCall, user } from '../../helpers/provider';

const body = (request: Partial<CanonicalRequest>, reasoning = true, stream = false) => toResponsesBody(upstreamCall(request, { upstreamModel: 'gpt-5', maxTokens: 500, reasoning }), stream);

describe('toResponsesBody', () => {
  it('never stores at OpenAI, and asks a reasoning model for its reasoning encrypted, without sampling parameters', () => {
    const b = body({ messages: [user('hi')], sampling: { temperature: 0.3, topP: 0.9 }, reasoning: { effort: 'high' } });
    expect(b).toMatchObject({ model: 'gpt-5', store: false, max_output_tokens: 500, reasoning: { effort: 'high' }, include: ['reasoning.encrypted_content'] });
    expect(b).not.toHaveProperty('temperature');
    expect(b).not.toHaveProperty('top_p');
    // Summaries only when asked (they need a verified organisation at OpenAI).
    expect((b.reasoning as Record<string, unknown>).summary).toBeUndefined();
    expect((body({ messages: [user('hi')], reasoning: { summary: 'auto' } }).reasoning as Record<string, unknown>).summary).toBe('auto');
    const plain = body({ messages: [user('hi')], sampling: { temperature: 0.3 } }, false);
    expect(plain).toMatchObject({ temperature: 0.3 });
    expect(plain).not.toHaveProperty('reasoning');
    expect(plain).not.toHaveProperty('include');
  });

  it('maps a conversation to input items, handing back only OpenAI\'s own encrypted reasoning', () => {
    const b = body({
      messages: [
        system('Be brief.'),
        user('Weather?'),
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'I will call the tool', summary: ['I will call the tool'], encrypted: 'gAAA', id: 'rs_1' },
            { type: 'reasoning', text: 'Claude thought', signature: 'sig' },
            { type: 'tool-call', callId: 'call_1', name: 'w', arguments: '{}' },
          ],
        },
        toolResult('call_1', 'sunny'),
        { role: 'assistant', content: [{ type: 'text', text: 'It is sunny.' }] },
      ],
    });
    expect(b.input).toEqual([
      { type: 'message', role: 'system', content: 'Be brief.' },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'I will call the tool' }], encrypted_content: 'gAAA' },
      { type: 'function_call', call_id: 'call_1', name: 'w', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'It is sunny.', annotations: [] }] },
    ]);
  });

  it('sends function tools non-strict unless asked, the tool choice, and the text format', () => {
    const b = body({
      messages: [user('x'), toolCall('c', 'f', '{}'), toolResult('c', 'ok')],
      tools: [{ name: 'f', parameters: { type: 'object' } }, { name: 'g', parameters: { type: 'object' }, strict: true }],
      toolChoice: { type: 'tool', name: 'g' },
      output: { type: 'json_schema', name: 'r', schema: { type: 'object' } },
    }, false, true);
    expect(b).toMatchObject({
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: false }, { type: 'function', name: 'g', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'g' },
      text: { format: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: false } },
      stream: true,
    });
  });

  it('sends images and PDFs as input_image and input_file', () => {
    const b = body({
      messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://x/y.png' } }, { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVB' }, title: 'a.pdf' }] }],
    });
    expect((b.input as Array<{ content: unknown }>)[0]?.content).toEqual([
      { type: 'input_image', image_url: 'https://x/y.png', detail: 'auto' },
      { type: 'input_file', file_data: 'data:application/pdf;base64,JVB', filename: 'a.pdf' },
    ]);
  });
});
