// Lossless where the route speaks the dialect natively. Anthropic's Messages API in and out of a Claude
// model on the Anthropic route: a recorded stream with thinking and signature deltas comes out of
// /v1/messages with its content block events byte for byte, and a request's thinking blocks, signatures,
// cache_control breakpoints and tool-use ids reach Anthropic exactly as the client sent them. And the
// Responses API to an OpenAI model hands OpenAI its reasoning items back unchanged.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startReplayUpstream, type ReplayUpstream } from '../helpers/replay-upstream';

let upstream: ReplayUpstream;
let t: TestGateway;

beforeAll(async () => {
  upstream = await startReplayUpstream();
  // Anthropic is "live" at the recorded upstream; every other provider stays simulated.
  t = await startTestGateway({ env: { OP_ANTHROPIC_API_KEY: 'sk-ant-test', OP_ANTHROPIC_BASE_URL: upstream.url } });
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

const fixture = readFileSync(new URL('../fixtures/anthropic/stream-thinking.sse', import.meta.url), 'utf8');

/** The `data:` lines of the content block events of an SSE text, as they were written. */
function contentBlockData(sse: string): string[] {
  return sse
    .split('\n\n')
    .filter((e) => /^event: content_block_(start|delta|stop)$/m.test(e))
    .map((e) => (/^data: (.*)$/m.exec(e)?.[1] ?? ''));
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.gw.url}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': t.gw.apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('Anthropic Messages to a Claude model on the Anthropic route', () => {
  it('passes a recorded stream with thinking and signature deltas through with its content blocks byte for byte', async () => {
    upstream.answer({ contentType: 'text/event-stream; charset=utf-8', body: fixture });
    const res = await post('/v1/messages', {
      model: 'claude-sonnet-4',
      max_tokens: 4096,
      stream: true,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: 'What is 27 * 453?' }],
    });
    expect(res.status).toBe(200);
    const out = await res.text();
    const expected = contentBlockData(fixture);
    expect(expected.length).toBe(15);
    expect(contentBlockData(out)).toEqual(expected);
    // The message around the blocks: Anthropic's usage and stop reason, in the gateway's message.
    expect(out).toMatch(/event: message_start\ndata: \{"type":"message_start","message":\{"id":"msg_[^"]+","type":"message","role":"assistant","model":"claude-sonnet-4"/);
    expect(out).toContain('"cache_read_input_tokens":1104');
    expect(out).toMatch(/"stop_reason":"tool_use"/);
    expect(out.trimEnd().endsWith('event: message_stop\ndata: {"type":"message_stop"}')).toBe(true);
  });

  it('sends thinking blocks, signatures, cache breakpoints and tool-use ids upstream exactly as they came in', async () => {
    upstream.answer({
      body: JSON.stringify({
        id: 'msg_x', type: 'message', role: 'assistant', model: 'claude-sonnet-4-20250514', content: [{ type: 'text', text: 'ok' }],
        stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 },
      }),
    });
    const system = [
      { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Project rules: be careful.', cache_control: { type: 'ephemeral', ttl: '1h' } },
    ];
    const tools = [{ name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] }, cache_control: { type: 'ephemeral' } }];
    const assistant = {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should list the files first.\n\nThen read them.', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds6fd2ymbOdGFTMQb/Vbn8+8gQ5S7NvSjwGBsBn0CuBQfLm9kGFOtyb6D2tU6hA==' },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj' },
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'Bash', input: { command: 'ls -la' } },
      ],
    };
    const user = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9', content: 'a.txt\nb.txt', cache_control: { type: 'ephemeral' } }] };
    const body = { model: 'claude-sonnet-4-20250514', max_tokens: 8192, thinking: { type: 'enabled', budget_tokens: 4096 }, system, tools, messages: [{ role: 'user', content: 'List the files' }, assistant, user] };
    const res = await post('/v1/messages', body, { 'anthropic-beta': 'interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14' });
    expect(res.status).toBe(200);
    const sent = upstream.received.at(-1)!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test');
    const b = sent.body as typeof body;
    expect(JSON.stringify(b.system)).toBe(JSON.stringify(system));
    expect(JSON.stringify(b.tools)).toBe(JSON.stringify(tools));
    expect(JSON.stringify(b.messages)).toBe(JSON.stringify(body.messages.map((m) => ({ ...m, content: typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content }))));
    expect(b.thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(b.model).toBe('claude-sonnet-4-20250514');
  });
});

describe('the Responses API to an OpenAI model', () => {
  it('hands OpenAI its reasoning items back unchanged (id, summary, encrypted content)', async () => {
    const client = new OpenAI({ baseURL: t.gw.baseUrl, apiKey: t.gw.apiKey, maxRetries: 0 });
    const first = await client.responses.create({
      model: 'gpt-5',
      input: 'Plan the migration',
      store: false,
      include: ['reasoning.encrypted_content'],
      reasoning: { effort: 'low', summary: 'auto' },
    });
    const reasoning = first.output.find((o) => o.type === 'reasoning');
    expect(reasoning?.type === 'reasoning' && reasoning.encrypted_content).toMatch(/^simenc_/);
    await client.responses.create({
      model: 'gpt-5',
      store: false,
      include: ['reasoning.encrypted_content'],
      input: [{ role: 'user', content: 'Plan the migration' }, reasoning!, { role: 'user', content: 'Go on' }],
    });
    const sent = t.gw.simulator?.stats('openai').lastBody as { input: Array<{ type?: string }> };
    const back = sent.input.find((i) => i.type === 'reasoning') as Record<string, unknown>;
    expect(back).toEqual({ type: 'reasoning', id: reasoning!.id, summary: (reasoning as { summary: unknown }).summary, encrypted_content: (reasoning as { encrypted_content: string }).encrypted_content });
  });
});
