import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../lambda/openai/errors';
import type { ChatRequest } from '../../../lambda/openai/types';
import { toConverseInput } from '../../../lambda/providers/bedrock/request';
import { upstreamCall } from '../../helpers/provider';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/bedrock/${name}`, import.meta.url), 'utf8'));

const call = (request: Partial<ChatRequest>, upstreamModel = 'amazon.nova-lite-v1:0', maxTokens = 512) =>
  upstreamCall({ model: 'x', messages: [{ role: 'user', content: 'Hi' }], ...request }, { upstreamModel, maxTokens });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('toConverseInput', () => {
  it('moves system and developer messages into system blocks and always sends maxTokens', () => {
    const input = toConverseInput(
      call({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
          { role: 'user', content: 'Hello' },
        ],
      }, 'amazon.nova-lite-v1:0', 300),
    );
    expect(input).toEqual({
      modelId: 'amazon.nova-lite-v1:0',
      system: [{ text: 'Be brief.' }, { text: 'Answer in French.' }],
      messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
      inferenceConfig: { maxTokens: 300 },
    });
  });

  it('sends data-URL images as bytes and rejects remote image URLs as the caller’s error', () => {
    const png = Buffer.from('not really a png');
    const input = toConverseInput(
      call({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${png.toString('base64')}` } },
            ],
          },
        ],
      }),
    );
    const content = input.messages?.[0]?.content ?? [];
    expect(content[0]).toEqual({ text: 'What is this?' });
    const image = content[1]?.image;
    expect(image?.format).toBe('jpeg');
    expect(Buffer.from(image?.source?.bytes ?? new Uint8Array()).equals(png)).toBe(true);

    const err = thrown(() =>
      toConverseInput(call({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] })),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).param).toBe('messages');
  });

  it('turns a tool exchange into toolUse and toolResult blocks with strictly alternating roles', () => {
    const input = toConverseInput(
      call({
        messages: [
          { role: 'user', content: 'What is the most popular song on WZPZ?' },
          { role: 'user', content: 'Be quick.' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', type: 'function', function: { name: 'top_song', arguments: '{"sign":"WZPZ"}' } }],
          },
          { role: 'tool', tool_call_id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', content: 'Elemental Hotel by 8 Storey Hike' },
          { role: 'user', content: 'Thanks. Who sings it?' },
        ],
        tools: [{ type: 'function', function: { name: 'top_song', parameters: { type: 'object' } } }],
      }),
    );
    expect(input.messages).toEqual([
      { role: 'user', content: [{ text: 'What is the most popular song on WZPZ?' }, { text: 'Be quick.' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'top_song', input: { sign: 'WZPZ' } } }] },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', content: [{ text: 'Elemental Hotel by 8 Storey Hike' }] } },
          { text: 'Thanks. Who sings it?' },
        ],
      },
    ]);
  });

  it('rejects tool-call arguments that are not JSON', () => {
    const err = thrown(() =>
      toConverseInput(
        call({
          messages: [
            { role: 'user', content: 'x' },
            { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{oops' } }] },
          ],
        }),
      ),
    );
    expect(err).toBeInstanceOf(BadRequestError);
  });

  it('declares tools exactly as the Converse documentation does', () => {
    const input = toConverseInput(
      call({
        tools: [
          {
            type: 'function',
            function: {
              name: 'top_song',
              description: 'Get the most popular song played on a radio station.',
              parameters: {
                type: 'object',
                properties: {
                  sign: {
                    type: 'string',
                    description: 'The call sign for the radio station for which you want the most popular song. Example calls signs are WZPZ and WKRP.',
                  },
                },
                required: ['sign'],
              },
            },
          },
        ],
      }),
    );
    expect(input.toolConfig).toEqual(fixture('tool-config.json'));
  });

  it('maps tool_choice to auto, any and tool, and drops the tools for none', () => {
    const tools: ChatRequest['tools'] = [{ type: 'function', function: { name: 'top_song' } }];
    const choice = (tool_choice: ChatRequest['tool_choice']) => toConverseInput(call({ tools, tool_choice })).toolConfig;
    expect(choice('auto')?.toolChoice).toEqual({ auto: {} });
    expect(choice('required')?.toolChoice).toEqual({ any: {} });
    expect(choice({ type: 'function', function: { name: 'top_song' } })?.toolChoice).toEqual({ tool: { name: 'top_song' } });
    expect(choice(undefined)?.toolChoice).toBeUndefined();
    expect(choice(undefined)?.tools?.[0]?.toolSpec?.inputSchema?.json).toEqual({ type: 'object', properties: {} });
    expect(choice('none')).toBeUndefined();
  });

  it('passes sampling settings, clamping temperature to 1 for Anthropic models only', () => {
    const settings = { temperature: 1.6, top_p: 0.9, stop: ['END'] };
    expect(toConverseInput(call(settings, 'anthropic.claude-3-haiku-20240307-v1:0')).inferenceConfig).toEqual({
      maxTokens: 512,
      temperature: 1,
      topP: 0.9,
      stopSequences: ['END'],
    });
    expect(toConverseInput(call(settings, 'us.anthropic.claude-sonnet-4-20250514-v1:0')).inferenceConfig?.temperature).toBe(1);
    expect(toConverseInput(call(settings, 'meta.llama3-70b-instruct-v1:0')).inferenceConfig?.temperature).toBe(1.6);
  });

  it('asks for JSON in the system prompt, quoting the schema when there is one', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const structured = toConverseInput(
      call({ response_format: { type: 'json_schema', json_schema: { name: 'place', schema } } }),
    );
    const text = structured.system?.map((b) => b.text).join('\n') ?? '';
    expect(text).toMatch(/JSON object only/);
    expect(text).toContain(JSON.stringify(schema));
    const plain = toConverseInput(call({ response_format: { type: 'json_object' } }));
    expect(plain.system?.[0]?.text).toMatch(/JSON object only/);
    expect(toConverseInput(call({ response_format: { type: 'text' } })).system).toBeUndefined();
  });
});
