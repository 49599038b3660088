import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { usage } from '../../../lambda/core/canonical/usage';
import { UpstreamError } from '../../../lambda/wire/errors';
import { errorMessage, fromGeminiResponse } from '../../../lambda/providers/google';
import { postJson } from '../../../lambda/providers/http';
import type { GeminiResponse } from '../../../lambda/providers/google/wire';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/google/${name}`, import.meta.url), 'utf8'));

describe('fromGeminiResponse', () => {
  it('reads a text answer, counting thinking tokens as output tokens, and as reasoning', () => {
    expect(fromGeminiResponse(fixture('generate-content-text.json') as GeminiResponse, 'google')).toEqual({
      content: [{ type: 'text', text: 'AI learns patterns from data to make predictions or decisions.' }],
      reason: 'stop',
      usage: usage({ inputTokens: 8, outputTokens: 623, reasoningTokens: 612 }),
    });
  });

  it('reads a function call as a tool call with a generated id and JSON arguments, finishing with tool_calls', () => {
    const result = fromGeminiResponse(fixture('generate-content-function-call.json') as GeminiResponse, 'google');
    expect(result.content).toEqual([{ type: 'tool-call', callId: 'call_0_set_light_values', name: 'set_light_values', arguments: '{"color_temp":"warm","brightness":25}' }]);
    expect(result.reason).toBe('tool_calls');
    expect(result.usage).toEqual(usage({ inputTokens: 112, outputTokens: 24 }));
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
    expect(fromGeminiResponse(body, 'google').reason).toBe(expected);
  });

  it('keeps thought summaries as reasoning, apart from the answer text, and cached tokens as cache reads', () => {
    const body: GeminiResponse = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Let me think', thought: true }, { text: 'Four.' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 2000, cachedContentTokenCount: 1500, candidatesTokenCount: 2, thoughtsTokenCount: 3 },
    };
    const result = fromGeminiResponse(body, 'google');
    expect(result.content).toEqual([{ type: 'reasoning', text: 'Let me think' }, { type: 'text', text: 'Four.' }]);
    expect(result.usage).toEqual(usage({ inputTokens: 2000, cacheReadTokens: 1500, outputTokens: 5, reasoningTokens: 3 }));
  });

  it('reports a blocked prompt as content_filter', () => {
    const body: GeminiResponse = { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } };
    expect(fromGeminiResponse(body, 'google')).toEqual({ content: [], reason: 'content_filter', usage: usage({ inputTokens: 5 }) });
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
