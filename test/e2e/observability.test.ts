// What the running gateway writes for operators: one structured log line per request and EMF metrics per
// route, captured from this process's stdout/stderr (the in-process gateway writes there, as Lambda does).
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { responseStreamTo } from '../../lambda/local/lambda-stream';
import { lambdaContext } from '../../lambda/local/runtime';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let lines: Array<Record<string, unknown>>;
let spies: MockInstance[];

beforeAll(async () => {
  t = await startTestGateway({ env: { OP_LOG_LEVEL: 'INFO', OP_METRICS: 'on' } });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  t.gw.simulator?.reset();
  lines = [];
  spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const l of String(chunk).split('\n')) if (l.startsWith('{')) lines.push(JSON.parse(l) as Record<string, unknown>);
      return true;
    }),
  );
});
afterEach(() => spies.forEach((s) => s.mockRestore()));

const logOf = async (requestId: string | null) => {
  await expect.poll(() => lines.some((l) => l.message === 'request' && l.requestId === requestId)).toBe(true);
  return lines.find((l) => l.message === 'request' && l.requestId === requestId) as Record<string, unknown>;
};

describe('request log line and route metrics', () => {
  it('logs routing, candidates, attempts with outcomes and latency, and publishes per-route metrics', async () => {
    t.gw.simulator?.configure('anthropic', { fault: { kind: 'status', status: 503, times: 1 } });
    const { data: stream, response } = await t.client.chat.completions
      .create({ model: 'claude-sonnet-4', stream: true, messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    for await (const _ of stream);
    const line = await logOf(response.headers.get('x-request-id'));
    expect(line).toMatchObject({
      level: 'INFO',
      service: 'originalpoint',
      path: '/v1/chat/completions',
      status: 200,
      mode: 'explicit',
      model: 'claude-sonnet-4',
      provider: 'bedrock',
      fallbacks: 1,
      stream: true,
      attempts: [
        { provider: 'anthropic', model: 'claude-sonnet-4', outcome: '503', ms: expect.any(Number) },
        { provider: 'bedrock', model: 'claude-sonnet-4', outcome: 'ok', ms: expect.any(Number), ttftMs: expect.any(Number) },
      ],
    });
    expect(line.RequestLatency).toEqual(expect.any(Number));
    // Billed per byte: what a default would say is not written (POST, ok, the model named, its own reason).
    for (const implied of ['method', 'outcome', 'requested', 'reason', 'candidates', 'dialect', 'latencyMs']) expect(line).not.toHaveProperty(implied);
    expect(JSON.stringify(line)).not.toContain(t.gw.apiKey);
    expect(JSON.stringify(line)).not.toContain('hello');

    const emf = lines.filter((l) => '_aws' in l);
    expect(emf.find((m) => m.provider === 'anthropic')).toMatchObject({ model: 'claude-sonnet-4', AttemptLatency: expect.any(Number), Errors: 1, Fallbacks: 1 });
    expect(emf.find((m) => m.provider === 'bedrock')).toMatchObject({ AttemptLatency: expect.any(Number), TimeToFirstToken: expect.any(Number) });
    expect(emf.find((m) => m.mode === 'explicit')).toMatchObject({ RequestLatency: expect.any(Number), Responses5xx: 0 });
  });

  it('logs "auto" with its mode, the capable candidates best first and the reason', async () => {
    const { response } = await t.client.chat.completions
      .create({ model: 'auto', routing: 'cost', messages: [{ role: 'user', content: 'cheap please' }] } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    const line = await logOf(response.headers.get('x-request-id'));
    expect(line).toMatchObject({ mode: 'cost', requested: 'auto', reason: 'cost: cheapest of 16 capable', model: 'nova-lite', stream: false });
    expect(line).not.toHaveProperty('fallbacks');
    // One attempt, the route that served: its figures are the line's own.
    expect(line).not.toHaveProperty('attempts');
    // The best three by name, and how many there were.
    expect(line.candidates).toEqual(['nova-lite', 'gpt-5-nano', 'gemini-2.5-flash-lite']);
    expect(line.candidateCount).toBe(16);
  });

  it('logs a failed request as an error with its status and the error', async () => {
    t.gw.simulator?.configure('openai', { fault: { kind: 'status', status: 503, times: 1 } });
    const err = await t.client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    const line = await logOf((err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-request-id') ?? null);
    expect(line).toMatchObject({ level: 'ERROR', status: 503, error: { category: 'unavailable', code: 'all_routes_failed' }, outcome: 'error' });
    expect(line.attempts).toEqual([{ provider: 'openai', model: 'gpt-5-mini', outcome: '503', ms: expect.any(Number) }]);
  });

  // In Lambda a client that leaves is not signalled to the function (see the README); these drive the
  // handler directly with a response stream that closes unfinished, which is what a platform that does
  // signal it looks like to the handler.
  const invoke = async (body: object, closeWhen: (written: string) => boolean) => {
    // Imported here: the handler module needs the Lambda globals the gateway installs at start.
    const { createChatHandler } = await import('../../lambda/handlers/chat-handler');
    const handler = createChatHandler(async () => t.gw.deps);
    let written = '';
    const stream = responseStreamTo({
      write: (bytes, cb) => {
        written += bytes.toString('utf8');
        cb();
        if (closeWhen(written)) stream.destroy();
      },
      end: () => undefined,
    });
    const event = {
      version: '2.0', routeKey: '$default', rawPath: '/v1/chat/completions', rawQueryString: '', isBase64Encoded: false,
      headers: { authorization: `Bearer ${t.gw.apiKey}`, 'content-type': 'application/json' },
      requestContext: { http: { method: 'POST', path: '/v1/chat/completions', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' } },
      body: JSON.stringify(body),
    } as unknown as LambdaFunctionURLEvent;
    const closeEarly = setTimeout(() => closeWhen('') || stream.destroy(), 150);
    await handler(event, stream as never, lambdaContext('op-chat'));
    clearTimeout(closeEarly);
  };

  it('a client that leaves before the first byte is its own outcome (499 client_closed at INFO), not an error of the gateway or the route', async () => {
    t.gw.simulator?.configure('anthropic', { ttftMs: 3_000 });
    await invoke({ model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'slow' }] }, () => false);
    await expect.poll(() => lines.some((l) => l.message === 'request' && l.clientClosed === true)).toBe(true);
    const line = lines.find((l) => l.message === 'request' && l.clientClosed === true)!;
    expect(line).toMatchObject({ level: 'INFO', status: 499, outcome: 'client_closed' });
    expect(line).not.toHaveProperty('error');
    // No Errors metric for the route, and its breaker has nothing against it.
    expect(lines.some((l) => (l as { Errors?: unknown }).Errors !== undefined)).toBe(false);
    expect(t.gw.deps.health?.phase({ provider: 'anthropic', upstreamModel: 'claude-sonnet-4-20250514' })).toBe('closed');
  });

  it('a client that leaves mid-stream is logged as such, aborts the upstream, and does not count against the route', async () => {
    t.gw.simulator?.configure('anthropic', { ttftMs: 5, tokensPerSecond: 50 });
    for (let i = 0; i < 5; i++) {
      await invoke({ model: 'claude-sonnet-4', stream: true, messages: [{ role: 'user', content: 'talk for a while' }] }, (w) => w.includes('"content":"'));
    }
    await expect.poll(() => t.gw.simulator?.stats('anthropic').aborted).toBe(5);
    await expect.poll(() => lines.filter((l) => l.message === 'request' && l.clientClosed === true).length).toBe(5);
    expect(t.gw.deps.health?.phase({ provider: 'anthropic', upstreamModel: 'claude-sonnet-4-20250514' })).toBe('closed');
    const { response } = await t.client.chat.completions.create({ model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'x' }] }).withResponse();
    expect(response.headers.get('x-op-attempts')).toBe('anthropic/claude-sonnet-4=ok');
  });
});
