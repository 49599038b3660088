import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambda/openai/errors';
import type { ChatRequest } from '../../../lambda/openai/types';
import { toGeminiRequest } from '../../../lambda/providers/google';
import { upstreamCall } from '../../helpers/provider';

const call = (request: Partial<ChatRequest>, maxTokens = 256) =>
  upstreamCall({ model: 'gemini-2.5-flash', ...request }, { upstreamModel: 'gemini-2.5-flash', maxTokens });

describe('toGeminiRequest', () => {
  it('moves system and developer messages into systemInstruction and renames assistant to model', () => {
    const body = toGeminiRequest(
      call({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'How are you?' },
        ],
      }),
      'google',
    );
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Answer in English.' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello!' }] },
      { role: 'user', parts: [{ text: 'How are you?' }] },
    ]);
  });

  it('sends data-URL images inline and http images as file references', () => {
    const body = toGeminiRequest(
      call({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.webp?size=large' } },
              { type: 'image_url', image_url: { url: 'https://example.com/render' } },
            ],
          },
        ],
      }),
      'google',
    );
    expect(body.contents[0]?.parts).toEqual([
      { text: 'Compare these' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp?size=large' } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/render' } },
    ]);
  });

  it('turns tool calls into functionCall parts and tool results into named functionResponse parts in one turn', () => {
    const body = toGeminiRequest(
      call({
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_0_get_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'xyz', type: 'function', function: { name: 'get_time', arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_0_get_weather', content: 'sunny' },
          { role: 'tool', tool_call_id: 'xyz', content: [{ type: 'text', text: '14:00' }] },
          { role: 'user', content: 'Thanks' },
        ],
      }),
      'google',
    );
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
          { functionCall: { name: 'get_time', args: { city: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { content: 'sunny' } } },
          { functionResponse: { name: 'get_time', response: { content: '14:00' } } },
          { text: 'Thanks' },
        ],
      },
    ]);
  });

  it('rejects a tool message that answers no earlier tool call, as a non-retryable request error', () => {
    let error: unknown;
    try {
      toGeminiRequest(call({ messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] }), 'google');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: false, status: 400, message: expect.stringContaining('unknown tool_call_id "nope"') });
  });

  it('declares tools with JSON-schema keywords Gemini rejects removed, but keeps properties of those names', () => {
    const body = toGeminiRequest(
      call({
        messages: [{ role: 'user', content: 'hi' }],
        tools: [
          {
            type: 'function',
            function: {
              name: 'lookup',
              description: 'Looks things up',
              strict: true,
              parameters: {
                $schema: 'http://json-schema.org/draft-07/schema#',
                type: 'object',
                additionalProperties: false,
                properties: {
                  additionalProperties: { type: 'string' },
                  tags: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' } } } },
                  note: { type: ['string', 'null'] },
                },
                required: ['tags'],
              },
            },
          },
        ],
        tool_choice: { type: 'function', function: { name: 'lookup' } },
      }),
      'google',
    );
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'lookup',
            description: 'Looks things up',
            parameters: {
              type: 'object',
              properties: {
                additionalProperties: { type: 'string' },
                tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
                note: { type: 'string', nullable: true },
              },
              required: ['tags'],
            },
          },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['lookup'] } });
  });

  it.each([
    ['auto', 'AUTO'],
    ['none', 'NONE'],
    ['required', 'ANY'],
  ] as const)('maps tool_choice %s to mode %s', (choice, mode) => {
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    const body = toGeminiRequest(call({ messages: [{ role: 'user', content: 'hi' }], tools, tool_choice: choice }), 'google');
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode } });
  });

  it('sends no tool config without tools', () => {
    const body = toGeminiRequest(call({ messages: [{ role: 'user', content: 'hi' }], tool_choice: 'none' }), 'google');
    expect(body.tools).toBeUndefined();
    expect(body.toolConfig).toBeUndefined();
  });

  it('maps sampling options, the resolved token cap and structured output into generationConfig', () => {
    const body = toGeminiRequest(
      call(
        {
          messages: [{ role: 'user', content: 'hi' }],
          temperature: 0.2,
          top_p: 0.9,
          max_tokens: 9999,
          stop: ['END'],
          seed: 7,
          presence_penalty: 0.5,
          frequency_penalty: -0.5,
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'r', schema: { type: 'object', additionalProperties: false, properties: { a: { type: 'integer' } } } },
          },
        },
        512,
      ),
      'google',
    );
    expect(body.generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 512,
      stopSequences: ['END'],
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { a: { type: 'integer' } } },
    });
  });

  it('asks for JSON without a schema for json_object', () => {
    const body = toGeminiRequest(call({ messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_object' } }), 'google');
    expect(body.generationConfig).toEqual({ maxOutputTokens: 256, responseMimeType: 'application/json' });
  });
});
