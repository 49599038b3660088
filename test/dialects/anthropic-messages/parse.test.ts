import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../lambda/wire/errors';
import { parseMessagesRequest } from '../../../lambda/dialects/anthropic-messages/parse';

const base = { model: 'claude-sonnet-4', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] };
const parse = (patch: Record<string, unknown>, counting = false) => parseMessagesRequest(JSON.stringify({ ...base, ...patch }), { counting });

describe('parseMessagesRequest', () => {
  it('keeps every block a round trip to Anthropic needs', () => {
    const r = parse({
      system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q', cache_control: { type: 'ephemeral' } }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA' } }, { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVB' }, title: 'doc' }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }, { type: 'redacted_thinking', data: 'r' }, { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'out' }], is_error: true }, { type: 'text', text: 'next' }] },
      ],
      tools: [{ name: 'f', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      max_tokens: 4000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      stop_sequences: ['END'],
      top_k: 5,
      metadata: { user_id: 'u1' },
    });
    expect(r.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'sys', cache: { ttl: '1h' } }] },
      { role: 'user', content: [{ type: 'text', text: 'q', cache: {} }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAA' } }, { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVB' }, title: 'doc' }] },
      { role: 'assistant', content: [{ type: 'reasoning', text: 't', signature: 's' }, { type: 'reasoning', text: '', redacted: 'r' }, { type: 'tool-call', callId: 'toolu_1', name: 'f', arguments: '{"a":1}' }] },
      { role: 'tool', content: [{ type: 'tool-result', callId: 'toolu_1', content: [{ type: 'text', text: 'out' }], isError: true }] },
      { role: 'user', content: [{ type: 'text', text: 'next' }] },
    ]);
    expect(r).toMatchObject({ tools: [{ name: 'f', parameters: { type: 'object' }, cache: {} }], toolChoice: { type: 'required' }, parallelToolCalls: false, reasoning: { budgetTokens: 1024 }, sampling: { stop: ['END'], topK: 5 }, user: 'u1', maxOutputTokens: 4000 });
  });

  it('reads output_format as a JSON schema request, and count_tokens bodies without max_tokens', () => {
    expect(parse({ output_format: { type: 'json_schema', schema: { type: 'object' } } }).output).toEqual({ type: 'json_schema', name: 'output', schema: { type: 'object' } });
    const { max_tokens: _m, ...counting } = base;
    expect(parseMessagesRequest(JSON.stringify(counting), { counting: true }).maxOutputTokens).toBeUndefined();
  });

  it.each([
    [{ max_tokens: undefined }, 'max_tokens'],
    [{ messages: [] }, 'messages'],
    [{ messages: [{ role: 'system', content: 'x' }] }, 'messages.0.role'],
    [{ messages: [{ role: 'user', content: [{ type: 'thinking', thinking: 't', signature: 's' }] }] }, 'messages.0.content.0.type'],
    [{ messages: [{ role: 'user', content: [{ type: 'server_tool_use', id: 'x' }] }] }, 'messages.0.content.0.type'],
    [{ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'text/html', data: 'x' } }] }] }, 'messages.0.content.0.source.media_type'],
    [{ tools: [{ type: 'bash_20250124', name: 'bash' }] }, 'tools.0.type'],
    [{ tools: [{ name: 'f' }] }, 'tools.0.input_schema'],
    [{ tool_choice: { type: 'tool', name: 'missing' } }, 'tool_choice.name'],
    [{ thinking: { type: 'enabled', budget_tokens: 100 } }, 'thinking.budget_tokens'],
    [{ thinking: { type: 'enabled', budget_tokens: 2000 } }, 'thinking.budget_tokens'],
    [{ temperature: 1.5 }, 'temperature'],
    [{ system: [{ type: 'image' }] }, 'system.0'],
    [{ messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: { type: 'forever' } }] }] }, 'messages.0.content.0.cache_control'],
    [{ mcp_servers: [{ url: 'x' }] }, 'mcp_servers'],
    [{ frobnicate: 1 }, 'frobnicate'],
  ])('refuses %j naming %s', (patch, param) => {
    let caught: unknown;
    try {
      parse(patch);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BadRequestError);
    expect((caught as BadRequestError).param).toBe(param);
  });
});
