// Figure 4 and the billed duration for figure 6: the chat bundle from cdk.out under aws-lambda-ric,
// through the project's Runtime API emulator. Cold starts use a fresh runtime-client process each; the
// warm series measures how long each invocation lasts as Lambda would bill it (event handed over until
// the runtime asks for the next one) and how much the function logs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { functionDefinition } from '../lambda/local/lambda-runtime';
import { ensureBundles, type GatewayBundles } from '../lambda/local/runtime-api/bundles';
import type { FunctionDefinition } from '../lambda/local/runtime-api/environment';
import { startLambdaFront } from '../lambda/local/runtime-api/front';
import { PROJECT_ROOT } from '../lambda/local/runtime-api/paths';
import { LambdaPool } from '../lambda/local/runtime-api/pool';
import { ensureRic } from '../lambda/local/runtime-api/ric';
import { agentFor, send, type Sample } from './load';
import { targets } from './phases';
import { median, summarise, type Summary } from './stats';

export interface LambdaResult {
  bundles: { chatBytes: number; adminBytes: number; memoryMb: number };
  coldStart: {
    firstResponseMs: number[];
    initMs: number[];
    medianFirstResponseMs: number;
    medianInitMs: number;
    /** The same measure for a function that only answers: what the runtime client itself costs. */
    emptyFirstResponseMs: number[];
    medianEmptyFirstResponseMs: number;
    medianEmptyInitMs: number;
  };
  warm: { latency: Summary; invocationMs: Summary; meanInvocationMs: number; logBytesPerRequest: number; rssMb: number };
}

function rssOf(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

export async function prepareLambda(log: (line: string) => void): Promise<{ entry: string; bundles: GatewayBundles }> {
  const entry = await ensureRic(log);
  const bundles = await ensureBundles(log);
  return { entry, bundles };
}

export async function lambdaSeries(
  prepared: { entry: string; bundles: GatewayBundles },
  upstream: { dynamoEndpoint: string; simulatorUrl: string; apiKey: string },
  sizes: { coldStarts: number; requests: number },
): Promise<LambdaResult> {
  const client = { entry: prepared.entry, nodePath: join(PROJECT_ROOT, 'node_modules') };
  const env = { OP_DYNAMODB_ENDPOINT: upstream.dynamoEndpoint, OP_SIMULATOR_URL: upstream.simulatorUrl };
  const durations: number[] = [];
  let logBytes = 0;
  const definition = functionDefinition('op-chat', prepared.bundles.chat, { env, bedrockLive: false });

  const empty: FunctionDefinition = {
    ...definition,
    name: 'op-empty',
    taskRoot: fileURLToPath(new URL('./functions/empty/', import.meta.url)),
    environment: {},
  };
  /** One request to a fresh runtime-client process: the client sees init and the first invocation together. */
  const coldStart = async (fn: FunctionDefinition): Promise<{ ms: number; initMs?: number }> => {
    const pool = new LambdaPool(fn, client, { size: 1 });
    const front = await startLambdaFront({ chat: pool });
    const agent = agentFor(1);
    try {
      const sample = await send(targets(upstream.simulatorUrl, `${front.url}/v1`, upstream.apiKey).gateway, agent);
      if (!sample.ok) throw new Error(`cold start of ${fn.name}: status ${sample.status}`);
      const timings = pool.live[0]?.timings;
      return { ms: sample.totalMs, initMs: timings?.readyAt ? timings.readyAt - timings.spawnedAt : undefined };
    } finally {
      agent.destroy();
      await front.close();
      await pool.close();
    }
  };
  const firstResponseMs: number[] = [];
  const initMs: number[] = [];
  const emptyFirstResponseMs: number[] = [];
  const emptyInitMs: number[] = [];
  for (let i = 0; i < sizes.coldStarts; i++) {
    const chat = await coldStart(definition);
    firstResponseMs.push(chat.ms);
    if (chat.initMs !== undefined) initMs.push(chat.initMs);
    const baseline = await coldStart(empty);
    emptyFirstResponseMs.push(baseline.ms);
    if (baseline.initMs !== undefined) emptyInitMs.push(baseline.initMs);
  }

  const pool = new LambdaPool(definition, client, {
    size: 1,
    onInvocationEnd: (ms) => durations.push(ms),
    output: (text) => (logBytes += Buffer.byteLength(text)),
  });
  const front = await startLambdaFront({ chat: pool });
  const t = targets(upstream.simulatorUrl, `${front.url}/v1`, upstream.apiKey);
  const agent = agentFor(1);
  for (let i = 0; i < 30; i++) await send(i % 2 ? t.gatewayStream : t.gateway, agent);
  durations.length = 0;
  logBytes = 0;
  const samples: Sample[] = [];
  for (let i = 0; i < sizes.requests; i++) samples.push(await send(i % 2 ? t.gatewayStream : t.gateway, agent));
  // The runtime asks for the next event after the last response: wait for that so every duration is in.
  for (let i = 0; i < 100 && durations.length < sizes.requests; i++) await new Promise((r) => setTimeout(r, 10));
  const rssMb = rssOf(pool.live[0]?.pid);
  agent.destroy();
  await front.close();
  await pool.close();
  const failed = samples.filter((s) => !s.ok).length;
  if (failed) throw new Error(`warm invocations under aws-lambda-ric: ${failed} failed`);

  return {
    bundles: { chatBytes: prepared.bundles.chat.bundleBytes, adminBytes: prepared.bundles.admin.bundleBytes, memoryMb: prepared.bundles.chat.memoryMb },
    coldStart: {
      firstResponseMs,
      initMs,
      medianFirstResponseMs: median(firstResponseMs),
      medianInitMs: median(initMs),
      emptyFirstResponseMs,
      medianEmptyFirstResponseMs: median(emptyFirstResponseMs),
      medianEmptyInitMs: median(emptyInitMs),
    },
    warm: {
      latency: summarise(samples.filter((_, i) => i % 2 === 0).map((s) => s.totalMs)),
      invocationMs: summarise(durations),
      meanInvocationMs: durations.reduce((a, b) => a + b, 0) / Math.max(1, durations.length),
      logBytesPerRequest: logBytes / sizes.requests,
      rssMb,
    },
  };
}
