import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../lambda/wire/errors';
import { MAX_JSON_DEPTH } from '../../../lambda/wire/json';
import { parseChatRequest } from '../../../lambda/dialects/openai-chat/parse';

const base = { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] };
const parse = (patch: Record<string, unknown>) => parseChatRequest(JSON.stringify({ ...base, ...patch }));

/** An object nested `depth` levels deep, as JSON text (JSON.stringify itself would overflow on the deepest). */
const nested = (depth: number): string => `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`;

function rejects(patch: Record<string, unknown> | string, param: string | null): void {
  let caught: unknown;
  try {
    if (typeof patch === 'string') parseChatRequest(patch);
    else parse(patch);
  } catch (err) {
    caught = err;
  }
  const what = typeof patch === 'string' ? patch.slice(0, 200) : JSON.stringify(patch);
  expect(caught, what).toBeInstanceOf(BadRequestError);
  expect((caught as BadRequestError).param, what).toBe(param);
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
      reasoning_effort: 'low',
      metadata: { ignored: 'yes' },
    });
    const { request, options } = r;
    expect(request.maxOutputTokens).toBe(100);
    expect(request.sampling).toEqual({ temperature: 0.5, topP: 1, stop: ['END'], seed: 7, presencePenalty: -1, frequencyPenalty: 1 });
    expect(options.includeUsage).toBe(true);
    expect(request.messages.map((m) => m.role)).toEqual(['system', 'system', 'user', 'assistant', 'tool']);
    expect(request.messages[2]?.content[1]).toEqual({ type: 'image', source: { kind: 'url', url: 'https://x/y.png' }, detail: 'low' });
    expect(request.messages[3]?.content).toEqual([{ type: 'tool-call', callId: 'c1', name: 'f', arguments: '{}' }]);
    expect(request.toolChoice).toEqual({ type: 'tool', name: 'f' });
    expect(request.output).toEqual({ type: 'json_schema', name: 's', schema: { type: 'object' } });
    expect(request.routing).toBe('cost');
    expect(request.reasoning).toEqual({ effort: 'low' });
    expect(request.user).toBe('u1');
  });

  it('unpacks base64 images, reads PDF files, and merges parallel tool results into one tool message', () => {
    const { request } = parse({
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } }, { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBER', filename: 'a.pdf' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } }, { id: 'b', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'a', content: 'A' },
        { role: 'tool', tool_call_id: 'b', content: 'B' },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBOR' } },
      { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBER' }, title: 'a.pdf' },
    ]);
    expect(request.messages[2]).toEqual({
      role: 'tool',
      content: [
        { type: 'tool-result', callId: 'a', content: [{ type: 'text', text: 'A' }] },
        { type: 'tool-result', callId: 'b', content: [{ type: 'text', text: 'B' }] },
      ],
    });
  });

  it('treats json_object with a schema (the vLLM convention) as a JSON schema request', () => {
    expect(parse({ response_format: { type: 'json_object', schema: { type: 'object' } } }).request.output).toEqual({ type: 'json_schema', name: 'response', schema: { type: 'object' } });
    expect(parse({ response_format: { type: 'json_object' } }).request.output).toEqual({ type: 'json' });
  });

  it('keeps a conversation of system messages as it is (the core makes it a user turn for every dialect alike)', () => {
    expect(parse({ messages: [{ role: 'system', content: 'Say hi' }] }).request.messages).toEqual([{ role: 'system', content: [{ type: 'text', text: 'Say hi' }] }]);
  });

  it('refuses JSON nested deeper than the limit, naming the field, whatever the depth', () => {
    const head = '{"model":"m","messages":[{"role":"user","content":"hi"}],';
    const ok = parseChatRequest(`${head}"tools":[{"type":"function","function":{"name":"f","parameters":${nested(MAX_JSON_DEPTH - 6)}}}]}`);
    expect(ok.request.tools).toHaveLength(1);
    for (const depth of [MAX_JSON_DEPTH, 10_000, 200_000]) {
      rejects(`${head}"tools":[{"type":"function","function":{"name":"f","parameters":${nested(depth)}}}]}`, 'tools[0].function.parameters');
      rejects(`${head}"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":${nested(depth)}}}}`, 'response_format.json_schema.schema');
    }
  });

  it('cuts client input quoted in messages short', () => {
    let caught: unknown;
    try {
      parse({ ['x'.repeat(1_000_000)]: 1 });
    } catch (err) {
      caught = err;
    }
    expect((caught as BadRequestError).message.length).toBeLessThan(300);
    expect((caught as BadRequestError).param?.length).toBeLessThan(100);
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
    [{ tools: [{ type: 'function', function: { name: '__json_output' } }] }, 'tools[0].function.name'],
    [{ tools: [{ type: 'custom', function: { name: 'f' } }] }, 'tools[0].type'],
    [{ reasoning_effort: 'max' }, 'reasoning_effort'],
    [{ messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }] }, 'messages[0].content[0].file.file_data'],
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
