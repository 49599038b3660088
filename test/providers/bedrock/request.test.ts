import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../../lambda/core/canonical/request';
import { BadRequestError } from '../../../lambda/wire/errors';
import { toConverseInput } from '../../../lambda/providers/bedrock/request';
import { system, toolCall, toolResult, upstreamCall, user } from '../../helpers/provider';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/bedrock/${name}`, import.meta.url), 'utf8'));

const CLAUDE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const call = (request: Partial<CanonicalRequest>, upstreamModel = 'amazon.nova-lite-v1:0', maxTokens = 512) =>
  upstreamCall({ model: 'x', messages: [user('Hi')], ...request }, { upstreamModel, maxTokens, reasoning: upstreamModel.includes('anthropic') });
const input = (request: Partial<CanonicalRequest>, upstreamModel?: string, maxTokens?: number) => toConverseInput(call(request, upstreamModel, maxTokens)).input;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('toConverseInput', () => {
  it('moves system messages into system blocks and always sends maxTokens', () => {
    expect(input({ messages: [system('Be brief.'), system('Answer in French.'), user('Hello')] }, 'amazon.nova-lite-v1:0', 300)).toEqual({
      modelId: 'amazon.nova-lite-v1:0',
      system: [{ text: 'Be brief.' }, { text: 'Answer in French.' }],
      messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
      inferenceConfig: { maxTokens: 300 },
    });
  });

  it('sends base64 images and PDFs as bytes and rejects remote URLs as the caller’s error', () => {
    const png = Buffer.from('not really a png');
    const content =
      input({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: png.toString('base64') } },
              { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: png.toString('base64') }, title: 'Q3 report.pdf' },
            ],
          },
        ],
      }).messages?.[0]?.content ?? [];
    expect(content[0]).toEqual({ text: 'What is this?' });
    expect(content[1]?.image?.format).toBe('jpeg');
    expect(Buffer.from(content[1]?.image?.source?.bytes ?? new Uint8Array()).equals(png)).toBe(true);
    expect(content[2]?.document).toMatchObject({ format: 'pdf', name: 'Q3 report pdf' });

    const err = thrown(() => input({ messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } }] }] }));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).param).toBe('messages');
  });

  it('turns a tool exchange into toolUse and toolResult blocks with strictly alternating roles', () => {
    expect(
      input({
        messages: [
          user('What is the most popular song on WZPZ?'),
          user('Be quick.'),
          toolCall('tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', 'top_song', '{"sign":"WZPZ"}'),
          toolResult('tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', 'Elemental Hotel by 8 Storey Hike'),
          user('Thanks. Who sings it?'),
        ],
        tools: [{ name: 'top_song', parameters: { type: 'object' } }],
      }).messages,
    ).toEqual([
      { role: 'user', content: [{ text: 'What is the most popular song on WZPZ?' }, { text: 'Be quick.' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'top_song', input: { sign: 'WZPZ' } } }] },
      {
        role: 'user',
        content: [{ toolResult: { toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', content: [{ text: 'Elemental Hotel by 8 Storey Hike' }] } }, { text: 'Thanks. Who sings it?' }],
      },
    ]);
  });

  it('sends Claude its signed thinking back as reasoningContent, and no other model any reasoning', () => {
    const messages: CanonicalRequest['messages'] = [
      user('x'),
      { role: 'assistant', content: [{ type: 'reasoning', text: 'hmm', signature: 'sig' }, { type: 'reasoning', text: '', redacted: 'AAEC' }, { type: 'text', text: 'answer' }] },
      user('y'),
    ];
    expect(input({ messages }, CLAUDE).messages?.[1]?.content).toEqual([
      { reasoningContent: { reasoningText: { text: 'hmm', signature: 'sig' } } },
      { reasoningContent: { redactedContent: new Uint8Array([0, 1, 2]) } },
      { text: 'answer' },
    ]);
    expect(input({ messages }).messages?.[1]?.content).toEqual([{ text: 'answer' }]);
  });

  it('puts cache points after what they close: system, content and tools', () => {
    const i = input({
      messages: [{ role: 'system', content: [{ type: 'text', text: 'context', cache: {} }] }, { role: 'user', content: [{ type: 'text', text: 'q', cache: {} }] }],
      tools: [{ name: 'f', parameters: { type: 'object' }, cache: {} }],
    });
    expect(i.system).toEqual([{ text: 'context' }, { cachePoint: { type: 'default' } }]);
    expect(i.messages?.[0]?.content).toEqual([{ text: 'q' }, { cachePoint: { type: 'default' } }]);
    expect(i.toolConfig?.tools?.[1]).toEqual({ cachePoint: { type: 'default' } });
  });

  it('rejects tool-call arguments that are not JSON', () => {
    expect(thrown(() => input({ messages: [user('x'), toolCall('c1', 'f', '{oops')] }))).toBeInstanceOf(BadRequestError);
  });

  it('declares tools exactly as the Converse documentation does', () => {
    const i = input({
      tools: [
        {
          name: 'top_song',
          description: 'Get the most popular song played on a radio station.',
          parameters: {
            type: 'object',
            properties: {
              sign: { type: 'string', description: 'The call sign for the radio station for which you want the most popular song. Example calls signs are WZPZ and WKRP.' },
            },
            required: ['sign'],
          },
        },
      ],
    });
    expect(i.toolConfig).toEqual(fixture('tool-config.json'));
  });

  it('maps the tool choice to auto, any and tool, and drops the tools for none', () => {
    const tools: CanonicalRequest['tools'] = [{ name: 'top_song', parameters: { type: 'object', properties: {} } }];
    const choice = (toolChoice: CanonicalRequest['toolChoice']) => input({ tools, ...(toolChoice ? { toolChoice } : {}) }).toolConfig;
    expect(choice({ type: 'auto' })?.toolChoice).toEqual({ auto: {} });
    expect(choice({ type: 'required' })?.toolChoice).toEqual({ any: {} });
    expect(choice({ type: 'tool', name: 'top_song' })?.toolChoice).toEqual({ tool: { name: 'top_song' } });
    expect(choice(undefined)?.toolChoice).toBeUndefined();
    expect(choice({ type: 'none' })).toBeUndefined();
  });

  it('passes sampling settings, clamping temperature to 1 for Anthropic models, which take temperature or top_p', () => {
    const settings = { sampling: { temperature: 1.6, topP: 0.9, stop: ['END'] } };
    expect(input(settings, 'anthropic.claude-3-haiku-20240307-v1:0').inferenceConfig).toEqual({ maxTokens: 512, temperature: 1, stopSequences: ['END'] });
    expect(input(settings, CLAUDE).inferenceConfig?.temperature).toBe(1);
    expect(input(settings, 'meta.llama3-70b-instruct-v1:0').inferenceConfig).toEqual({ maxTokens: 512, temperature: 1.6, topP: 0.9, stopSequences: ['END'] });
  });

  it('turns on Claude thinking with its budget, and enforces a JSON schema with a forced tool instead', () => {
    expect(input({ reasoning: { budgetTokens: 2048 }, sampling: { temperature: 0.5 } }, CLAUDE, 4096)).toMatchObject({
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } },
      inferenceConfig: { maxTokens: 4096 },
    });
    expect(input({ reasoning: { budgetTokens: 2048 } }, 'amazon.nova-pro-v1:0', 4096)).not.toHaveProperty('additionalModelRequestFields');
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const { input: structured, plan } = toConverseInput(call({ output: { type: 'json_schema', name: 'place', schema }, reasoning: { budgetTokens: 2048 } }, CLAUDE, 4096));
    expect(plan?.name).toBe('__json_output');
    expect(structured.toolConfig).toEqual({
      tools: [{ toolSpec: { name: '__json_output', description: expect.stringContaining('place'), inputSchema: { json: schema } } }],
      toolChoice: { tool: { name: '__json_output' } },
    });
    expect(structured).not.toHaveProperty('additionalModelRequestFields');
    expect(structured.system).toBeUndefined();
  });
});
