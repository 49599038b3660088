import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../lambda/openai/errors';
import type { ChatRequest } from '../../../lambda/openai/types';
import { toAnthropicBody } from '../../../lambda/providers/anthropic';
import { upstreamCall } from '../../helpers/provider';

const call = (request: Partial<ChatRequest>, maxTokens = 512) =>
  upstreamCall({ model: 'claude-x', ...request }, { upstreamModel: 'claude-sonnet-4-5', maxTokens });

describe('toAnthropicBody', () => {
  it('hoists system and developer messages into the top-level system and always sends max_tokens', () => {
    const body = toAnthropicBody(
      call({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
          { role: 'user', content: 'Hello' },
        ],
      }, 300),
      false,
    );
    expect(body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: 'Be brief.\n\nAnswer in French.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    });
  });

  it('translates images: data URLs to base64 sources, http(s) URLs to url sources', () => {
    const body = toAnthropicBody(
      call({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
            ],
          },
        ],
      }),
      false,
    );
    expect(body.messages[0]?.content).toEqual([
      { type: 'text', text: 'What is in these?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('rejects an image URL that is neither http(s) nor base64 data', () => {
    const bad = call({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] });
    expect(() => toAnthropicBody(bad, false)).toThrow(BadRequestError);
  });

  it('turns tool calls into tool_use blocks and merges consecutive tool results into one user turn', () => {
    const body = toAnthropicBody(
      call({
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
          { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '24C' }] },
          { role: 'user', content: 'Which is warmer?' },
        ],
      }),
      false,
    );
    expect(body.messages).toEqual([
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
          { type: 'tool_result', tool_use_id: 'toolu_2', content: '24C' },
          { type: 'text', text: 'Which is warmer?' },
        ],
      },
    ]);
  });

  it('merges consecutive same-role messages and drops empty ones so roles alternate', () => {
    const body = toAnthropicBody(
      call({
        messages: [
          { role: 'user', content: 'one' },
          { role: 'user', content: 'two' },
          { role: 'assistant', content: '' },
          { role: 'assistant', content: 'three' },
          { role: 'system', content: 'late system text' },
          { role: 'assistant', content: [{ type: 'text', text: 'four' }] },
        ],
      }),
      false,
    );
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'three' }, { type: 'text', text: 'four' }] },
    ]);
    expect(body.system).toBe('late system text');
  });

  it('rejects tool call arguments that are not a JSON object', () => {
    const bad = call({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1,2]' } }] },
      ],
    });
    expect(() => toAnthropicBody(bad, false)).toThrow(BadRequestError);
  });

  it('translates tools, tool_choice and parallel_tool_calls', () => {
    const tools: ChatRequest['tools'] = [
      { type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
      { type: 'function', function: { name: 'ping' } },
    ];
    const messages: ChatRequest['messages'] = [{ role: 'user', content: 'hi' }];
    const body = toAnthropicBody(call({ messages, tools }), false);
    expect(body.tools).toEqual([
      { name: 'get_weather', description: 'Weather now', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'ping', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(body.tool_choice).toBeUndefined();
    const choice = (c: Partial<ChatRequest>) => toAnthropicBody(call({ messages, tools, ...c }), false).tool_choice;
    expect(choice({ tool_choice: 'none' })).toEqual({ type: 'none' });
    expect(choice({ tool_choice: 'auto' })).toEqual({ type: 'auto' });
    expect(choice({ tool_choice: 'required' })).toEqual({ type: 'any' });
    expect(choice({ tool_choice: { type: 'function', function: { name: 'ping' } } })).toEqual({ type: 'tool', name: 'ping' });
    expect(choice({ parallel_tool_calls: false })).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(choice({ tool_choice: 'required', parallel_tool_calls: false })).toEqual({ type: 'any', disable_parallel_tool_use: true });
    // Without tools there is nothing to choose from; Anthropic rejects a tool_choice then.
    expect(toAnthropicBody(call({ messages, tool_choice: 'auto' }), false).tool_choice).toBeUndefined();
  });

  it('maps sampling, stop, user and stream fields', () => {
    const body = toAnthropicBody(
      call({ messages: [{ role: 'user', content: 'hi' }], temperature: 1.6, stop: ['END'], user: 'user-42', seed: 7 }),
      true,
    );
    expect(body).toMatchObject({ temperature: 1, stop_sequences: ['END'], metadata: { user_id: 'user-42' }, stream: true });
    expect(body).not.toHaveProperty('seed');
    expect(toAnthropicBody(call({ messages: [{ role: 'user', content: 'hi' }], temperature: 0.3 }), false).temperature).toBe(0.3);
    expect(toAnthropicBody(call({ messages: [{ role: 'user', content: 'hi' }], top_p: 0.9 }), false).top_p).toBe(0.9);
    const both = toAnthropicBody(call({ messages: [{ role: 'user', content: 'hi' }], temperature: 0.5, top_p: 0.9 }), false);
    expect(both.temperature).toBe(0.5);
    expect(both).not.toHaveProperty('top_p');
  });

  it('asks for JSON in the system prompt, with the schema when one is given', () => {
    const messages: ChatRequest['messages'] = [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'hi' }];
    const obj = toAnthropicBody(call({ messages, response_format: { type: 'json_object' } }), false);
    expect(obj.system).toMatch(/^You are terse\.\n\nRespond with a single valid JSON object/);
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const structured = toAnthropicBody(
      call({ messages, response_format: { type: 'json_schema', json_schema: { name: 'reply', schema } } }),
      false,
    );
    expect(structured.system).toContain('"reply"');
    expect(structured.system).toContain(JSON.stringify(schema));
    expect(toAnthropicBody(call({ messages, response_format: { type: 'text' } }), false).system).toBe('You are terse.');
  });
});
