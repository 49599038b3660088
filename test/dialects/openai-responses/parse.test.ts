import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../lambda/wire/errors';
import { inputMessages, itemId, parseItemId } from '../../../lambda/dialects/openai-responses/items';
import { parseResponsesRequest } from '../../../lambda/dialects/openai-responses/parse';

const parse = (body: Record<string, unknown>) => parseResponsesRequest(JSON.stringify({ model: 'gpt-5', input: 'hi', ...body }));
const none = async () => undefined;

function refusal(run: () => unknown): BadRequestError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    return err as BadRequestError;
  }
  throw new Error('expected a 400');
}

describe('parseResponsesRequest', () => {
  it('reads the documented fields into the canonical request and the echoes', () => {
    const { request, options } = parse({
      instructions: 'Be brief.',
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
      tool_choice: { type: 'function', name: 'f' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: true }, verbosity: 'low' },
      max_output_tokens: 900,
      temperature: 0.4,
      top_p: 0.8,
      reasoning: { effort: 'medium', summary: 'auto' },
      metadata: { run: '7' },
      store: false,
      previous_response_id: 'resp_abc',
      include: ['reasoning.encrypted_content'],
      user: 'u',
      stream: true,
      routing: 'cost',
      prompt_cache_key: 'ignored',
    });
    expect(request).toMatchObject({
      model: 'gpt-5',
      stream: true,
      sampling: { temperature: 0.4, topP: 0.8 },
      maxOutputTokens: 900,
      tools: [{ name: 'f', parameters: { type: 'object' }, strict: true }],
      toolChoice: { type: 'tool', name: 'f' },
      parallelToolCalls: false,
      output: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: true },
      reasoning: { effort: 'medium', summary: 'auto' },
      user: 'u',
      routing: 'cost',
    });
    expect(options).toMatchObject({ instructions: 'Be brief.', previousResponseId: 'resp_abc', store: false, includeEncrypted: true, metadata: { run: '7' } });
    expect(parse({}).options.store).toBe(true);
  });

  it.each([
    [{ frobnicate: 1 }, 'frobnicate'],
    [{ model: '' }, 'model'],
    [{ input: null }, 'input'],
    [{ tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    [{ tools: [{ type: 'file_search', vector_store_ids: [] }] }, 'tools[0].type'],
    [{ tools: [{ type: 'function', name: 'bad name' }] }, 'tools[0].name'],
    [{ tool_choice: { type: 'function', name: 'g' } }, 'tool_choice'],
    [{ text: { format: { type: 'xml' } } }, 'text.format.type'],
    [{ text: { format: { type: 'json_schema', name: 'r' } } }, 'text.format.schema'],
    [{ include: ['everything'] }, 'include[0]'],
    [{ background: true }, 'background'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ metadata: { k: 5 } }, 'metadata'],
    [{ reasoning: { effort: 'max' } }, 'reasoning.effort'],
    [{ temperature: 3 }, 'temperature'],
    [{ max_output_tokens: 0 }, 'max_output_tokens'],
  ])('refuses %j naming %s', (body, param) => {
    expect(refusal(() => parse(body)).param).toBe(param);
  });
});

describe('input items', () => {
  it('group consecutive assistant items into one message and tool outputs into one tool message', async () => {
    const messages = await inputMessages(
      [
        { role: 'system', content: 'sys' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'q' }, { type: 'input_image', image_url: 'data:image/png;base64,AAA', detail: 'low' }] },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'think' }], encrypted_content: 'gAAA' },
        { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call', call_id: 'c2', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'one' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'two' }] },
        { role: 'assistant', content: [{ type: 'output_text', text: 'done', annotations: [] }] },
      ],
      none,
    );
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
    expect(messages[2]?.content).toEqual([
      { type: 'reasoning', text: 'think', summary: ['think'], id: 'rs_1', encrypted: 'gAAA' },
      { type: 'tool-call', callId: 'c1', name: 'f', arguments: '{}', itemId: 'fc_1' },
      { type: 'tool-call', callId: 'c2', name: 'f', arguments: '{}' },
    ]);
    expect(messages[3]?.content).toHaveLength(2);
    expect(messages[1]?.content[1]).toEqual({ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAA' }, detail: 'low' });
  });

  it('resolve item references to stored items, and refuse one that is not stored, naming it', async () => {
    const resolve = async (id: string) => (id === 'msg_x' ? [{ type: 'text' as const, text: 'earlier' }] : undefined);
    expect(await inputMessages([{ type: 'item_reference', id: 'msg_x' }], resolve)).toEqual([{ role: 'assistant', content: [{ type: 'text', text: 'earlier' }] }]);
    await expect(inputMessages([{ type: 'item_reference', id: 'msg_gone' }], resolve)).rejects.toMatchObject({ param: 'input[0].id', code: 'item_not_found' });
  });

  it.each([
    [[{ type: 'computer_call' }], 'input[0].type'],
    [[{ type: 'custom_tool_call', name: 'x' }], 'input[0]'],
    [[{ type: 'mcp_call', name: 'x' }], 'input[0].type'],
    [[{ role: 'tool', content: 'x' }], 'input[0].role'],
    [[{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }], 'input[0].content[0].image_url'],
    [[{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }], 'input[0].content[0]'],
    [[{ type: 'function_call', call_id: 'c' }], 'input[0]'],
    [42, 'input'],
  ])('refuse %j naming %s', async (input, param) => {
    await expect(inputMessages(input, none)).rejects.toMatchObject({ param });
  });

  it('carry the id of their response, so a reference finds the response without an index', () => {
    const id = itemId('fc', 'resp_0123456789abcdefABCDEF0123456789', 3);
    expect(parseItemId(id)).toEqual({ responseId: 'resp_0123456789abcdefABCDEF0123456789', n: 3 });
    expect(parseItemId('fc_someone_elses')).toBeUndefined();
  });
});
