// The same openai SDK scenarios against the in-process runtime and against the deployable bundles under
// AWS's runtime client (aws-lambda-ric through the project's Runtime API emulator): each target must show
// the user what the scenario expects, and both must agree on status, headers and body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareLambdaTier, TIER_SETUP_TIMEOUT_MS } from '../fidelity/lambda-tier';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { SCENARIOS, type Target } from './scenarios';

let local: TestGateway;
let lambda: TestGateway;
const target = (name: string, t: TestGateway): Target => ({ name, baseUrl: t.gw.baseUrl, apiKey: t.gw.apiKey, client: t.client });

beforeAll(async () => {
  await prepareLambdaTier();
  [local, lambda] = await Promise.all([startTestGateway(), startTestGateway({ runtime: 'lambda', lambda: { concurrency: 2 } })]);
}, TIER_SETUP_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([local?.close(), lambda?.close()]);
});

describe('in-process runtime and aws-lambda-ric give the same answers', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const inProcess = await scenario.run(target('in-process', local));
    const underRic = await scenario.run(target('aws-lambda-ric', lambda));
    scenario.check(inProcess);
    scenario.check(underRic);
    expect(underRic).toEqual(inProcess);
  });

  it('really ran the bundles under the runtime client', () => {
    const runtime = lambda.gw.runtime as import('../../lambda/local/lambda-runtime').LambdaRuntime;
    expect(runtime.chat.stats.invocations).toBeGreaterThanOrEqual(SCENARIOS.length);
    expect(runtime.chat.live.every((e) => e.definition.taskRoot.includes('asset.'))).toBe(true);
  });
});
