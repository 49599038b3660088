import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../lambda/openai/errors';
import { parseChatRequest } from '../../lambda/core/validate';

const base = { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] };
const parse = (patch: Record<string, unknown>) => parseChatRequest(JSON.stringify({ ...base, ...patch }));

function rejects(patch: Record<string, unknown> | string, param: string | null): void {
  let caught: unknown;
  try {
    if (typeof patch === 'string') parseChatRequest(patch);
    else parse(patch);
  } catch (err) {
    caught = err;
  }
  expect(caught, JSON.stringify(patch)).toBeInstanceOf(BadRequestError);
  expect((caught as BadRequestError).param, JSON.stringify(patch)).toBe(param);
  expect((caught as BadRequestError).status).toBe(400);
}

describe('parseChatRequest', () => {
  it('accepts every documented field and normalises them', () => {
    const r = parse({
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'developer', content: [{ type: 'text', text: 'dev' }] },
        { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'done' },
      ],
      temperature: 0.5,
      top_p: 1,
      max_completion_tokens: 100,
      max_tokens: 50,
      stream: true,
      stream_options: { include_usage: true },
      stop: 'END',
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object' } } },
      seed: 7,
      presence_penalty: -1,
      frequency_penalty: 1,
      user: 'u1',
      n: 1,
      routing: 'cost',
      metadata: { ignored: 'yes' },
    });
    expect(r.max_tokens).toBe(100);
    expect(r.stop).toEqual(['END']);
    expect(r.include_usage).toBe(true);
    expect(r.messages).toHaveLength(5);
    expect(r.routing).toBe('cost');
  });

  it.each([
    [{ temperature: 2.01 }, 'temperature'],
    [{ temperature: '1' }, 'temperature'],
    [{ top_p: 1.5 }, 'top_p'],
    [{ max_tokens: 1.5 }, 'max_tokens'],
    [{ max_completion_tokens: 0 }, 'max_completion_tokens'],
    [{ n: 3 }, 'n'],
    [{ stream: 'yes' }, 'stream'],
    [{ stream_options: { include_usage: true } }, 'stream_options'],
    [{ stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [{ tools: [{ type: 'function', function: { name: 'bad name' } }] }, 'tools[0].function.name'],
    [{ tool_choice: 'sometimes' }, 'tool_choice'],
    [{ tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: { type: 'function', function: { name: 'g' } } }, 'tool_choice'],
    [{ response_format: { type: 'xml' } }, 'response_format.type'],
    [{ response_format: { type: 'json_schema', json_schema: {} } }, 'response_format.json_schema.name'],
    [{ presence_penalty: 3 }, 'presence_penalty'],
    [{ frequency_penalty: -2.5 }, 'frequency_penalty'],
    [{ seed: 'x' }, 'seed'],
    [{ user: 5 }, 'user'],
    [{ routing: 'fastest' }, 'routing'],
    [{ model: 5 }, 'model'],
    [{ messages: [] }, 'messages'],
    [{ messages: [{ role: 'user' }] }, 'messages[0].content'],
    [{ messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    [{ messages: [{ role: 'assistant', content: null }] }, 'messages[0].content'],
    [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x' } }] }] }, 'messages[0].content[0].image_url.url'],
    [{ messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }] }, 'messages[0].content[0]'],
    [{ frobnicate: true }, 'frobnicate'],
  ])('rejects %j naming %s', (patch, param) => rejects(patch, param));

  it('rejects invalid JSON and non-object bodies without a param', () => {
    rejects('{"model":', null);
    rejects('[1,2]', null);
    rejects('', null);
  });
});
