import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../../lambda/core/canonical/request';
import type { ProviderInstance } from '../../../lambda/providers/provider';
import { toChatBody } from '../../../lambda/providers/openai-chat';
import { system, toolCall, toolResult, upstreamCall, user } from '../../helpers/provider';

const deepseek: ProviderInstance = { name: 'deepseek', kind: 'openai-chat', baseUrl: 'http://x', live: false };
const mistral: ProviderInstance = { ...deepseek, name: 'mistral', nativeJsonSchema: true };
const body = (request: Partial<CanonicalRequest>, instance = deepseek, stream = false) => toChatBody(upstreamCall(request, { upstreamModel: 'deepseek-chat', maxTokens: 300 }), instance, stream);

describe('toChatBody', () => {
  it('keeps system messages in place, one tool message per result, and never sends reasoning back', () => {
    const { body: b } = body({
      messages: [
        system('Be brief.'),
        user('Weather in Paris and Rome?'),
        { role: 'assistant', content: [{ type: 'reasoning', text: 'thinking...' }, { type: 'text', text: 'Checking.' }, { type: 'tool-call', callId: 'c1', name: 'w', arguments: '{}' }, { type: 'tool-call', callId: 'c2', name: 'w', arguments: '{}' }] },
        { role: 'tool', content: [
          { type: 'tool-result', callId: 'c1', content: [{ type: 'text', text: '18C' }] },
          { type: 'tool-result', callId: 'c2', content: [{ type: 'text', text: '24C' }] },
        ] },
      ],
    });
    expect(b.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris and Rome?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{}' } }, { id: 'c2', type: 'function', function: { name: 'w', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '18C' },
      { role: 'tool', tool_call_id: 'c2', content: '24C' },
    ]);
    expect(b).toMatchObject({ model: 'deepseek-chat', max_tokens: 300 });
  });

  it('sends images as image_url parts, base64 as data URLs', () => {
    const { body: b } = body({ messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAA' }, detail: 'high' }] }] });
    expect((b.messages as unknown[])[0]).toEqual({ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA', detail: 'high' } }] });
  });

  it('asks for usage in streams and maps sampling, tools and tool choice', () => {
    const { body: b } = body(
      {
        messages: [user('hi')],
        sampling: { temperature: 0.2, topP: 0.5, stop: ['x'], seed: 3, presencePenalty: 1, frequencyPenalty: -1, topK: 9 },
        tools: [{ name: 'f', description: 'd', parameters: { type: 'object' }, strict: true }],
        toolChoice: { type: 'tool', name: 'f' },
        parallelToolCalls: false,
        user: 'u',
      },
      deepseek,
      true,
    );
    expect(b).toMatchObject({
      temperature: 0.2, top_p: 0.5, stop: ['x'], seed: 3, presence_penalty: 1, frequency_penalty: -1, user: 'u', stream: true, stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
    });
    expect(b).not.toHaveProperty('top_k');
  });

  it('uses the host\'s own schema mode where it has one, and a forced schema tool where it has none', () => {
    const output = { type: 'json_schema' as const, name: 'r', schema: { type: 'object', properties: { a: { type: 'integer' } } } };
    const native = body({ messages: [user('hi')], output }, mistral);
    expect(native.plan).toBeUndefined();
    expect(native.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'r', schema: output.schema } });
    const forced = body({ messages: [user('hi')], output }, deepseek);
    expect(forced.plan?.name).toBe('__json_output');
    expect(forced.body.tool_choice).toEqual({ type: 'function', function: { name: '__json_output' } });
    expect(forced.body).not.toHaveProperty('response_format');
    expect(body({ messages: [user('hi')], output: { type: 'json' } }).body.response_format).toEqual({ type: 'json_object' });
  });

  it('answers tool results with the text they carry', () => {
    const { body: b } = body({ messages: [user('x'), toolCall('c', 'f', '{}'), toolResult('c', 'done')] });
    expect((b.messages as unknown[]).at(-1)).toEqual({ role: 'tool', tool_call_id: 'c', content: 'done' });
  });
});
