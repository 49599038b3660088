import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../../lambda/core/canonical/request';
import { BadRequestError } from '../../../lambda/wire/errors';
import { toGeminiRequest } from '../../../lambda/providers/google';
import { assistant, system, toolResult, upstreamCall, user } from '../../helpers/provider';

const call = (request: Partial<CanonicalRequest>, maxTokens = 256, reasoning = true) =>
  upstreamCall({ model: 'gemini-2.5-flash', ...request }, { upstreamModel: 'gemini-2.5-flash', maxTokens, reasoning });

describe('toGeminiRequest', () => {
  it('moves system messages into systemInstruction and renames assistant to model', () => {
    const body = toGeminiRequest(call({ messages: [system('Be brief.'), system('Answer in English.'), user('Hi'), assistant('Hello!'), user('How are you?')] }));
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Answer in English.' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello!' }] },
      { role: 'user', parts: [{ text: 'How are you?' }] },
    ]);
  });

  it('sends base64 media inline and http media as file references, PDFs as documents', () => {
    const body = toGeminiRequest(
      call({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.webp?size=large' } },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/render' } },
              { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } },
            ],
          },
        ],
      }),
    );
    expect(body.contents[0]?.parts).toEqual([
      { text: 'Compare these' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp?size=large' } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/render' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });

  it('turns tool calls into functionCall parts and tool results into named functionResponse parts in one turn; reasoning is not sent', () => {
    const body = toGeminiRequest(
      call({
        messages: [
          user('Weather in Paris and Rome?'),
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'hmm', signature: 'sig' },
              { type: 'tool-call', callId: 'call_0_get_weather', name: 'get_weather', arguments: '{"city":"Paris"}' },
              { type: 'tool-call', callId: 'xyz', name: 'get_time', arguments: '{"city":"Rome"}' },
            ],
          },
          { role: 'tool', content: [
            { type: 'tool-result', callId: 'call_0_get_weather', content: [{ type: 'text', text: 'sunny' }] },
            { type: 'tool-result', callId: 'xyz', content: [{ type: 'text', text: '14:00' }] },
          ] },
          user('Thanks'),
        ],
      }),
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

  it('rejects a tool result that answers no earlier tool call, as a 400 about the messages', () => {
    let error: unknown;
    try {
      toGeminiRequest(call({ messages: [toolResult('nope', 'x')] }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ param: 'messages', message: expect.stringContaining('unknown tool call id "nope"') });
  });

  it('declares tools with JSON-schema keywords Gemini rejects removed, but keeps properties of those names', () => {
    const body = toGeminiRequest(
      call({
        messages: [user('hi')],
        tools: [
          {
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
        ],
        toolChoice: { type: 'tool', name: 'lookup' },
      }),
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
  ] as const)('maps tool choice %s to mode %s', (choice, mode) => {
    const body = toGeminiRequest(call({ messages: [user('hi')], tools: [{ name: 'f', parameters: { type: 'object' } }], toolChoice: { type: choice } }));
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode } });
  });

  it('sends no tool config without tools', () => {
    const body = toGeminiRequest(call({ messages: [user('hi')], toolChoice: { type: 'none' } }));
    expect(body.tools).toBeUndefined();
    expect(body.toolConfig).toBeUndefined();
  });

  it('maps sampling options, the resolved token cap, thinking and structured output into generationConfig', () => {
    const body = toGeminiRequest(
      call(
        {
          messages: [user('hi')],
          sampling: { temperature: 0.2, topP: 0.9, topK: 20, stop: ['END'], seed: 7, presencePenalty: 0.5, frequencyPenalty: -0.5 },
          maxOutputTokens: 9999,
          reasoning: { budgetTokens: 1000 },
          output: { type: 'json_schema', name: 'r', schema: { type: 'object', additionalProperties: false, properties: { a: { type: 'integer' } } } },
        },
        512,
      ),
    );
    expect(body.generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      topK: 20,
      maxOutputTokens: 512,
      stopSequences: ['END'],
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { a: { type: 'integer' } } },
      thinkingConfig: { thinkingBudget: 1000, includeThoughts: true },
    });
  });

  it('asks for JSON without a schema for a JSON object', () => {
    const body = toGeminiRequest(call({ messages: [user('hi')], output: { type: 'json' } }));
    expect(body.generationConfig).toEqual({ maxOutputTokens: 256, responseMimeType: 'application/json' });
  });
});
