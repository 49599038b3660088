// Streaming behaviour written once and run against any target gateway (the in-process runtime, the
// bundles under aws-lambda-ric). Unlike the parity scenarios these are not whole observations to compare:
// they pace the simulated upstream and read its stats, so each asserts on its own.
import { expect } from 'vitest';
import type { TestGateway } from '../helpers/gateway';

/** A paced stream reaches the client as it is produced, not all at once when the upstream finishes. */
export async function firstChunkBeforeSlowUpstreamEnds(t: TestGateway): Promise<void> {
  t.gw.simulator?.configure('openai', { ttftMs: 20, tokensPerSecond: 25 });
  const began = Date.now();
  const stream = await t.client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'a fairly long answer please' }], stream: true });
  let firstContentAt = 0;
  for await (const chunk of stream) {
    if (!firstContentAt && chunk.choices[0]?.delta.content) firstContentAt = Date.now() - began;
  }
  const total = Date.now() - began;
  // At 25 tokens/s a ~15-token answer takes ~600 ms upstream; buffering would deliver everything at the end.
  expect(total).toBeGreaterThan(400);
  expect(firstContentAt).toBeLessThan(total / 2);
}

/** A client that leaves after two content chunks makes the gateway abort its upstream call, which never completes. */
/**
 * A client that disconnects mid-stream, as Lambda handles it: the function is not told (the response
 * stream's 'close' does not fire in Lambda), so the upstream answer runs to its end and is settled then.
 */
export async function clientDisconnectAsInLambda(t: TestGateway): Promise<void> {
  t.gw.simulator?.reset();
  t.gw.simulator?.configure('anthropic', { ttftMs: 10, tokensPerSecond: 40 });
  const controller = new AbortController();
  const stream = await t.client.chat.completions.create(
    { model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'talk for a while' }], stream: true },
    { signal: controller.signal },
  );
  let seen = 0;
  // The SDK ends the iteration quietly (or with an abort error) once its signal fires.
  await (async () => {
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content && ++seen === 2) controller.abort();
    }
  })().catch((err: unknown) => expect(String(err)).toMatch(/abort/i));
  expect(seen).toBe(2);
  await expect.poll(() => t.gw.simulator?.stats('anthropic').completed, { timeout: 10_000 }).toBe(1);
  expect(t.gw.simulator?.stats('anthropic').aborted).toBe(0);
}
