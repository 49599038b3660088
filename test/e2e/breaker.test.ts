// A route's circuit breaker, seen through the `openai` SDK against the running local gateway, with the
// gateway's clock in the test's hands: it opens after five provider failures, skips the route while
// open, lets exactly one probe through after the 30 s cooldown, and closes when the probe succeeds.
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambda/core/clock';
import type { HealthMonitor } from '../../lambda/core/health/monitor';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let health: HealthMonitor;
let clock: ManualClock;
const sim = () => t.gw.simulator!;
const COOLDOWN = 30_000;

// A gateway per test: breakers are state, and each test starts from every route closed.
beforeEach(async () => {
  clock = new ManualClock();
  // Counts are written after every result, so the shared record never lags in this test.
  t = await startTestGateway({ clock, env: { OP_HEALTH_FLUSH_MS: '0' } });
  health = t.gw.deps.health!;
});
afterEach(async () => {
  await t?.close();
});

async function ask(model = 'claude-sonnet-4') {
  const { data, response } = await t.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'status?' }] }).withResponse();
  await health.settle(); // background work of this request (probe claims, writes) done before the next
  return { model: data.model, attempts: response.headers.get('x-op-attempts') };
}

async function failing(model: string) {
  const err = await t.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'status?' }] }).catch((e: unknown) => e);
  await health.settle();
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return { status: (err as InstanceType<typeof OpenAI.APIError>).status, attempts: (err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-op-attempts') };
}

const sonnet = { anthropic: { provider: 'anthropic' as const, upstreamModel: 'claude-sonnet-4-20250514' } };

async function openAnthropic() {
  sim().configure('anthropic', { fault: { kind: 'status', status: 503 } });
  for (let i = 0; i < 5; i++) expect((await ask()).attempts).toBe('anthropic/claude-sonnet-4=503, bedrock/claude-sonnet-4=ok');
  expect(health.phase(sonnet.anthropic)).toBe('open');
}

describe('circuit breaker', () => {
  it('opens, skips, lets one probe through after the cooldown, and closes on success', async () => {
    await openAnthropic();
    // Open: anthropic is not called at all.
    expect(await ask()).toEqual({ model: 'claude-sonnet-4', attempts: 'anthropic/claude-sonnet-4=open, bedrock/claude-sonnet-4=ok' });
    clock.advance(COOLDOWN - 1_000);
    expect((await ask()).attempts).toBe('anthropic/claude-sonnet-4=open, bedrock/claude-sonnet-4=ok');
    expect(sim().stats('anthropic').requests).toBe(5);

    sim().configure('anthropic', { fault: undefined });
    clock.advance(1_000);
    // Cooldown over: this request claims the probe in the background and is served by bedrock meanwhile...
    expect((await ask()).attempts).toBe('anthropic/claude-sonnet-4=open, bedrock/claude-sonnet-4=ok');
    expect(health.phase(sonnet.anthropic)).toBe('half-open');
    // ...the next one is the probe; it succeeds and the route is closed.
    expect((await ask()).attempts).toBe('anthropic/claude-sonnet-4=ok');
    expect(health.phase(sonnet.anthropic)).toBe('closed');
    expect((await ask()).attempts).toBe('anthropic/claude-sonnet-4=ok');
    expect(sim().stats('anthropic').requests).toBe(7);
  });

  it('sends exactly one probe while half-open, however many requests arrive', async () => {
    await openAnthropic();
    clock.advance(COOLDOWN);
    await ask(); // claims the probe
    sim().configure('anthropic', { fault: undefined, ttftMs: 200 });
    const before = sim().stats('anthropic').requests;
    const answers = await Promise.all([0, 1, 2, 3].map(() => t.client.chat.completions.create({ model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'status?' }] }).withResponse()));
    await health.settle();
    const attempts = answers.map((a) => a.response.headers.get('x-op-attempts'));
    expect(attempts.filter((a) => a === 'anthropic/claude-sonnet-4=ok')).toHaveLength(1);
    expect(attempts.filter((a) => a === 'anthropic/claude-sonnet-4=open, bedrock/claude-sonnet-4=ok')).toHaveLength(3);
    expect(sim().stats('anthropic').requests - before).toBe(1);
    expect(health.phase(sonnet.anthropic)).toBe('closed');
  });

  it('a failed probe opens the route for another cooldown', async () => {
    await openAnthropic();
    clock.advance(COOLDOWN);
    await ask();
    expect((await ask()).attempts).toBe('anthropic/claude-sonnet-4=503, bedrock/claude-sonnet-4=ok');
    expect(health.phase(sonnet.anthropic)).toBe('open');
    clock.advance(COOLDOWN - 1);
    expect((await ask()).attempts).toBe('anthropic/claude-sonnet-4=open, bedrock/claude-sonnet-4=ok');
  });

  it('a model with one route: 503 while open, and the first request after the cooldown probes at once', async () => {
    sim().configure('openai', { fault: { kind: 'status', status: 503 } });
    for (let i = 0; i < 5; i++) expect(await failing('gpt-5-mini')).toEqual({ status: 503, attempts: 'openai/gpt-5-mini=503' });
    expect(await failing('gpt-5-mini')).toEqual({ status: 503, attempts: 'openai/gpt-5-mini=open' });
    expect(sim().stats('openai').requests).toBe(5);
    sim().configure('openai', { fault: undefined });
    clock.advance(COOLDOWN);
    // Nothing else to try: the request waits for the probe claim instead of answering 503.
    expect(await ask('gpt-5-mini')).toEqual({ model: 'gpt-5-mini', attempts: 'openai/gpt-5-mini=open, openai/gpt-5-mini=ok' });
    expect((await ask('gpt-5-mini')).attempts).toBe('openai/gpt-5-mini=ok');
  });

  it('client errors do not count against the provider', async () => {
    sim().configure('anthropic', { fault: { kind: 'status', status: 400 } });
    for (let i = 0; i < 6; i++) expect(await failing('claude-sonnet-4')).toEqual({ status: 400, attempts: 'anthropic/claude-sonnet-4=400' });
    expect(health.phase(sonnet.anthropic)).toBe('closed');
  });

  it('"auto" passes over a model whose routes are all open, within the tier', async () => {
    sim().configure('openai', { fault: { kind: 'status', status: 503 } });
    for (let i = 0; i < 5; i++) await ask('auto');
    const { data, response } = await t.client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'status?' }] } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
      .withResponse();
    expect(data.model).toBe('gemini-2.5-pro');
    expect(response.headers.get('x-op-routing-reason')).toBe('quality: best quality of 16 capable, 1 unavailable');
    expect(response.headers.get('x-op-attempts')).toBe('google/gemini-2.5-pro=ok');
  });
});
