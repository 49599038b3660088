// The deployable bundles (cdk.out) under aws-lambda-ric: what the parity scenarios cannot show with
// whole responses. A paced stream reaches the client as it is produced, a client that leaves mid-stream
// stops the upstream call (and frees the environment for the next request), and the admin function
// answers through the same emulator.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LambdaRuntime } from '../../lambda/local/lambda-runtime';
import { clientDisconnectAsInLambda, firstChunkBeforeSlowUpstreamEnds } from '../e2e/stream-scenarios';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { prepareLambdaTier, TIER_SETUP_TIMEOUT_MS } from './lambda-tier';

let t: TestGateway;
let runtime: LambdaRuntime;

beforeAll(async () => {
  await prepareLambdaTier();
  t = await startTestGateway({ runtime: 'lambda', lambda: { concurrency: 1 } });
  runtime = t.gw.runtime as LambdaRuntime;
}, TIER_SETUP_TIMEOUT_MS);
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  t.gw.simulator?.reset();
});

describe('the chat bundle under the runtime client', () => {
  it('is the synthesized asset, minified, with the stack\'s memory and timeout', () => {
    expect(runtime.bundles.chat.taskRoot).toMatch(/asset\.[0-9a-f]{64}$/);
    expect(runtime.chat.definition.memoryMb).toBe(512);
    expect(runtime.chat.definition.timeoutS).toBe(900);
    expect(runtime.chat.definition.environment.NODE_OPTIONS).toBe('--enable-source-maps');
    expect(runtime.chat.definition.environment.OP_PROVIDER_SECRET_ARN).toBeUndefined();
  });

  it('delivers the first chunk long before a slow upstream finishes', () => firstChunkBeforeSlowUpstreamEnds(t));

  it('runs the upstream answer to its end when the client disconnects mid-stream, as Lambda does, and the environment serves on', async () => {
    await clientDisconnectAsInLambda(t);

    const coldStarts = runtime.chat.stats.coldStarts;
    const next = await t.client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'still there?' }] });
    expect(next.choices[0]?.message.content).toContain('still there?');
    expect(runtime.chat.stats.coldStarts).toBe(coldStarts);
  });

  it('refuses a wrong key with the same 401 as the in-process runtime', async () => {
    const client = new OpenAI({ baseURL: t.gw.baseUrl, apiKey: 'not-a-key', maxRetries: 0 });
    const err = await client.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe('the admin bundle under the runtime client', () => {
  it('answers API Gateway events through the emulator, behind the local admin token', async () => {
    const res = await fetch(`${t.gw.url}/admin/accounts`, { headers: { authorization: `Bearer ${t.gw.adminToken}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ id: string }> };
    expect(body.data.map((a) => a.id)).toContain(t.gw.accountId);
    expect(runtime.admin.stats.invocations).toBeGreaterThanOrEqual(1);

    const refused = await fetch(`${t.gw.url}/admin/accounts`, { headers: { authorization: 'Bearer wrong' } });
    expect(refused.status).toBe(403);
  });
});
