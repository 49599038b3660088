import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../../lambda/core/canonical/request';
import { BadRequestError } from '../../../lambda/wire/errors';
import { toAnthropicBody } from '../../../lambda/providers/anthropic';
import { assistant, system, toolCall, toolResult, upstreamCall, user } from '../../helpers/provider';

const call = (request: Partial<CanonicalRequest>, maxTokens = 512, reasoning = true) =>
  upstreamCall({ model: 'claude-x', ...request }, { upstreamModel: 'claude-sonnet-4-5', maxTokens, reasoning });
const body = (request: Partial<CanonicalRequest>, stream = false, maxTokens = 512) => toAnthropicBody(call(request, maxTokens), stream).body;

describe('toAnthropicBody', () => {
  it('hoists system messages into the top-level system and always sends max_tokens', () => {
    expect(body({ messages: [system('Be brief.'), system('Answer in French.'), user('Hello')] }, false, 300)).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: 'Be brief.\n\nAnswer in French.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    });
  });

  it('keeps cache breakpoints where they were: system blocks, content blocks, tools', () => {
    const b = body({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'long context', cache: {} }, { type: 'text', text: 'rules', cache: { ttl: '1h' } }] },
        { role: 'user', content: [{ type: 'text', text: 'question', cache: {} }] },
      ],
      tools: [{ name: 'f', parameters: { type: 'object' }, cache: {} }],
    });
    expect(b.system).toEqual([
      { type: 'text', text: 'long context', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'rules', cache_control: { type: 'ephemeral', ttl: '1h' } },
    ]);
    expect(b.messages[0]?.content).toEqual([{ type: 'text', text: 'question', cache_control: { type: 'ephemeral' } }]);
    expect(b.tools?.[0]).toEqual({ name: 'f', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } });
  });

  it('translates images and PDF documents: base64 sources and url sources', () => {
    const b = body({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' }, detail: 'low' },
            { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' }, title: 'report' },
          ],
        },
      ],
    });
    expect(b.messages[0]?.content).toEqual([
      { type: 'text', text: 'What is in these?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'report' },
    ]);
  });

  it('turns tool calls into tool_use blocks and parallel tool results into one user turn, results first', () => {
    const b = body({
      messages: [
        user('Weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', callId: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { type: 'tool-call', callId: 'toolu_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
          ],
        },
        { role: 'tool', content: [
          { type: 'tool-result', callId: 'toolu_1', content: [{ type: 'text', text: '18C' }] },
          { type: 'tool-result', callId: 'toolu_2', content: [{ type: 'text', text: '24C' }], isError: true },
        ] },
        user('Which is warmer?'),
      ],
    });
    expect(b.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: '24C', is_error: true },
          { type: 'text', text: 'Which is warmer?' },
        ],
      },
    ]);
  });

  it('sends signed thinking and redacted thinking back exactly, and drops reasoning Anthropic cannot verify', () => {
    const b = body({
      messages: [
        user('hi'),
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Let me think.', signature: 'EqQBCgIYAh==' },
            { type: 'reasoning', text: '', redacted: 'EmwKAhgBEgy3va3pzix' },
            { type: 'reasoning', text: 'an OpenAI summary', encrypted: 'gAAAAB', id: 'rs_1' },
            { type: 'tool-call', callId: 'toolu_9', name: 'f', arguments: '{}' },
          ],
        },
        toolResult('toolu_9', 'done'),
      ],
    });
    expect(b.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Let me think.', signature: 'EqQBCgIYAh==' },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
        { type: 'tool_use', id: 'toolu_9', name: 'f', input: {} },
      ],
    });
  });

  it('merges consecutive same-role messages and drops empty ones so roles alternate', () => {
    const b = body({ messages: [user('one'), user('two'), assistant(''), assistant('three'), system('late system text'), assistant('four')] });
    expect(b.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'three' }, { type: 'text', text: 'four' }] },
    ]);
    expect(b.system).toBe('late system text');
  });

  it('rejects tool call arguments that are not a JSON object', () => {
    expect(() => body({ messages: [user('hi'), toolCall('t', 'f', '[1,2]')] })).toThrow(BadRequestError);
  });

  it('translates tools, tool_choice and parallel_tool_calls', () => {
    const tools: CanonicalRequest['tools'] = [
      { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'ping', parameters: { type: 'object', properties: {} } },
    ];
    const messages = [user('hi')];
    expect(body({ messages, tools }).tools).toEqual([
      { name: 'get_weather', description: 'Weather now', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'ping', input_schema: { type: 'object', properties: {} } },
    ]);
    const choice = (c: Partial<CanonicalRequest>) => body({ messages, tools, ...c }).tool_choice;
    expect(choice({})).toBeUndefined();
    expect(choice({ toolChoice: { type: 'none' } })).toEqual({ type: 'none' });
    expect(choice({ toolChoice: { type: 'auto' } })).toEqual({ type: 'auto' });
    expect(choice({ toolChoice: { type: 'required' } })).toEqual({ type: 'any' });
    expect(choice({ toolChoice: { type: 'tool', name: 'ping' } })).toEqual({ type: 'tool', name: 'ping' });
    expect(choice({ parallelToolCalls: false })).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(choice({ toolChoice: { type: 'required' }, parallelToolCalls: false })).toEqual({ type: 'any', disable_parallel_tool_use: true });
    // Without tools there is nothing to choose from; Anthropic rejects a tool_choice then.
    expect(body({ messages, toolChoice: { type: 'auto' } }).tool_choice).toBeUndefined();
  });

  it('maps sampling, stop, user and stream fields', () => {
    const b = body({ messages: [user('hi')], sampling: { temperature: 1.6, stop: ['END'], seed: 7, topK: 40 }, user: 'user-42' }, true);
    expect(b).toMatchObject({ temperature: 1, stop_sequences: ['END'], top_k: 40, metadata: { user_id: 'user-42' }, stream: true });
    expect(b).not.toHaveProperty('seed');
    expect(body({ messages: [user('hi')], sampling: { temperature: 0.3 } }).temperature).toBe(0.3);
    expect(body({ messages: [user('hi')], sampling: { topP: 0.9 } }).top_p).toBe(0.9);
    const both = body({ messages: [user('hi')], sampling: { temperature: 0.5, topP: 0.9 } });
    expect(both.temperature).toBe(0.5);
    expect(both).not.toHaveProperty('top_p');
  });

  it('turns thinking on with the budget asked for (below max_tokens), without temperature or top_k', () => {
    const b = body({ messages: [user('hi')], reasoning: { budgetTokens: 2048 }, sampling: { temperature: 0.2, topK: 5 } }, false, 4096);
    expect(b.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(b).not.toHaveProperty('temperature');
    expect(b).not.toHaveProperty('top_k');
    expect(body({ messages: [user('hi')], reasoning: { effort: 'high' } }, false, 4096).thinking).toEqual({ type: 'enabled', budget_tokens: 4095 });
    // Below Anthropic's 1,024-token minimum there is no room to think at all.
    expect(body({ messages: [user('hi')], reasoning: { effort: 'low' } }, false, 1000)).not.toHaveProperty('thinking');
    expect(toAnthropicBody(call({ messages: [user('hi')], reasoning: { budgetTokens: 2048 } }, 4096, false), false).body).not.toHaveProperty('thinking');
  });

  it('enforces a JSON schema with a forced tool call, and gives up thinking for it', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const { body: b, plan } = toAnthropicBody(call({ messages: [user('hi')], output: { type: 'json_schema', name: 'reply', schema }, reasoning: { budgetTokens: 2048 } }, 4096), false);
    expect(plan?.name).toBe('__json_output');
    expect(b.tools).toEqual([{ name: '__json_output', description: expect.stringContaining('reply'), input_schema: schema }]);
    expect(b.tool_choice).toEqual({ type: 'tool', name: '__json_output' });
    expect(b).not.toHaveProperty('thinking');
    // With tools of the client's own, the model must call one of them or answer through the schema tool.
    const withTools = toAnthropicBody(call({ messages: [user('hi')], tools: [{ name: 'f', parameters: { type: 'object' } }], output: { type: 'json_schema', name: 'r', schema } }), false).body;
    expect(withTools.tools?.map((t) => t.name)).toEqual(['f', '__json_output']);
    expect(withTools.tool_choice).toEqual({ type: 'any' });
    // A JSON object without a schema is a schema tool over any object.
    expect(toAnthropicBody(call({ messages: [user('hi')], output: { type: 'json' } }), false).body.tools?.[0]?.input_schema).toEqual({ type: 'object' });
  });
});
