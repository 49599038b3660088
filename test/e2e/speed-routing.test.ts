// `model: "auto"` with `routing: "speed"` follows live measurements: make the fastest route slow in the
// simulator and watch the choice move away from it; let it recover and watch the choice come back once
// its stale measurement is re-measured. The gateway's clock is the test's, so "stale" takes no waiting.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findModel } from '../helpers/catalog';
import { type ModelSpec } from '../../lambda/core/catalog';
import { ManualClock } from '../../lambda/core/clock';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
const clock = new ManualClock();
const REMEASURE_MS = 60_000;

beforeAll(async () => {
  t = await startTestGateway({ clock, env: { OP_HEALTH_FLUSH_MS: '0', OP_LATENCY_REMEASURE_MS: String(REMEASURE_MS) } });
});
afterAll(async () => {
  await t?.close();
});

/**
 * A short answer (16 tokens), so expected latency is mostly time to first token. By the catalog's
 * defaults nova-lite wins (350 ms + 16 / 180 tok/s = 439 ms), then gemini-2.5-flash-lite (457 ms).
 */
async function fastest(): Promise<{ model: string; reason: string | null }> {
  const { data: stream, response } = await t.client.chat.completions
    .create({ model: 'auto', routing: 'speed', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'quick one' }] } as OpenAI.Chat.ChatCompletionCreateParamsStreaming)
    .withResponse();
  let model = '';
  for await (const chunk of stream) model = chunk.model;
  await t.gw.deps.health?.settle();
  return { model, reason: response.headers.get('x-op-routing-reason') };
}

describe('speed routing on live latency', () => {
  it('moves away from a route that got slow, and back once it recovered', async () => {
    const sim = t.gw.simulator!;
    sim.configure('google', { ttftMs: 100 });
    expect(await fastest()).toEqual({ model: 'nova-lite', reason: 'speed: fastest of 16 capable' });
    expect((await fastest()).model).toBe('nova-lite');

    // Bedrock (nova-lite's route) slows down: one slow answer is enough to move the average past 457 ms.
    sim.configure('bedrock', { ttftMs: 2_000 });
    expect((await fastest()).model).toBe('nova-lite');
    expect(await fastest()).toEqual({ model: 'gemini-2.5-flash-lite', reason: 'speed: fastest of 16 capable' });
    expect((await fastest()).model).toBe('gemini-2.5-flash-lite');
    const live = t.gw.deps.health!;
    const [nova, lite] = ['nova-lite', 'gemini-2.5-flash-lite'].map((id) => findModel(id) as ModelSpec) as [ModelSpec, ModelSpec];
    expect(live.latencyOf(nova.routes[0]!, nova)?.ttftMs).toBeGreaterThan(457);
    expect(live.latencyOf(lite.routes[0]!, lite)?.ttftMs).toBeGreaterThanOrEqual(100);

    // Bedrock recovers. Nothing goes there until its measurement is stale; then one request re-measures it.
    sim.configure('bedrock', { ttftMs: 0 });
    expect((await fastest()).model).toBe('gemini-2.5-flash-lite');
    clock.advance(REMEASURE_MS);
    expect(await fastest()).toEqual({ model: 'nova-lite', reason: 'speed: re-measuring nova-lite (latency data stale)' });
    // Its fresh figure makes nova-lite the fastest; flash-lite's own figure is now the stale one, so it
    // gets its one re-measuring request, and then nova-lite serves again.
    expect(await fastest()).toEqual({ model: 'gemini-2.5-flash-lite', reason: 'speed: re-measuring gemini-2.5-flash-lite (latency data stale)' });
    expect(await fastest()).toEqual({ model: 'nova-lite', reason: 'speed: fastest of 16 capable' });
    expect(await fastest()).toEqual({ model: 'nova-lite', reason: 'speed: fastest of 16 capable' });
  });
});
