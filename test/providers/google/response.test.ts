import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambda/openai/errors';
import { errorMessage, fromGeminiResponse } from '../../../lambda/providers/google';
import { postJson } from '../../../lambda/providers/http';
import type { GeminiResponse } from '../../../lambda/providers/google/wire';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/google/${name}`, import.meta.url), 'utf8'));

describe('fromGeminiResponse', () => {
  it('reads a text answer, counting thinking tokens as completion tokens', () => {
    expect(fromGeminiResponse(fixture('generate-content-text.json') as GeminiResponse, 'google')).toEqual({
      message: { role: 'assistant', content: 'AI learns patterns from data to make predictions or decisions.', refusal: null },
      finishReason: 'stop',
      usage: { prompt_tokens: 8, completion_tokens: 623, total_tokens: 631 },
    });
  });

  it('reads a function call as a tool call with a generated id and JSON arguments, finishing with tool_calls', () => {
    const result = fromGeminiResponse(fixture('generate-content-function-call.json') as GeminiResponse, 'google');
    expect(result.message.content).toBeNull();
    expect(result.message.tool_calls).toEqual([
      { id: 'call_0_set_light_values', type: 'function', function: { name: 'set_light_values', arguments: '{"color_temp":"warm","brightness":25}' } },
    ]);
    expect(result.finishReason).toBe('tool_calls');
    expect(result.usage).toEqual({ prompt_tokens: 112, completion_tokens: 24, total_tokens: 136 });
  });

  it.each([
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['OTHER', 'stop'],
    ['MALFORMED_FUNCTION_CALL', 'stop'],
  ])('maps finishReason %s to %s', (reason, expected) => {
    const body: GeminiResponse = { candidates: [{ content: { role: 'model', parts: [{ text: 'x' }] }, finishReason: reason, index: 0 }] };
    expect(fromGeminiResponse(body, 'google').finishReason).toBe(expected);
  });

  it('leaves reasoning summaries out of the answer text', () => {
    const body: GeminiResponse = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Let me think', thought: true }, { text: 'Four.' }] }, finishReason: 'STOP' }],
    };
    expect(fromGeminiResponse(body, 'google').message.content).toBe('Four.');
  });

  it('reports a blocked prompt as content_filter', () => {
    const body: GeminiResponse = { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } };
    expect(fromGeminiResponse(body, 'google')).toEqual({
      message: { role: 'assistant', content: null, refusal: null },
      finishReason: 'content_filter',
      usage: { prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 },
    });
  });
});

describe('errorMessage', () => {
  it("reads Google's error body", () => {
    expect(errorMessage(fixture('error-invalid-argument.json'))).toBe('INVALID_ARGUMENT: API key not valid. Please pass a valid API key.');
    expect(errorMessage({ unexpected: true })).toBeUndefined();
  });

  it('puts the upstream message into the UpstreamError postJson throws', async () => {
    const body = JSON.stringify(fixture('error-invalid-argument.json'));
    const server = createServer((_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const error = await postJson({
        url: `http://127.0.0.1:${port}/v1beta/models/m:generateContent`,
        headers: {},
        body: {},
        signal: new AbortController().signal,
        provider: 'google',
        errorMessage,
      }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({
        retryable: false,
        upstream: 400,
        message: 'google returned 400: INVALID_ARGUMENT: API key not valid. Please pass a valid API key.',
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
