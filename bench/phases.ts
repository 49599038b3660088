// The measured series. Each compares the gateway with a baseline taken in the same run: the same request
// sent straight to the provider simulator.
import { GetCommand } from '../lambda/store/document';
import { createDocumentClient } from '../lambda/store/dynamo';
import type { Child } from './children';
import type { DirectSeries, GatewayMetrics } from './gateway-child';
import { agentFor, closedLoop, openLoop, send, type Sample, type Target } from './load';
import { summarise, summariseRounds, type Summary } from './stats';

export interface GatewayReady {
  baseUrl: string;
  apiKey: string;
  pid: number;
}

export interface Targets {
  direct: Target;
  gateway: Target;
  directStream: Target;
  gatewayStream: Target;
}

const MESSAGES = [{ role: 'user', content: 'Say hello to the benchmark' }];

export function targets(simulatorUrl: string, baseUrl: string, apiKey: string): Targets {
  const body = (model: string, stream: boolean) => JSON.stringify({ model, messages: MESSAGES, max_tokens: 32, ...(stream ? { stream: true } : {}) });
  const gw = { url: `${baseUrl}/chat/completions`, headers: { authorization: `Bearer ${apiKey}` } };
  // deepseek-chat routes to the `deepseek` instance (chat completions, the same model id), so the gateway's
  // upstream call is the request as the client sent it, and the direct baseline is that same call.
  const sim = { url: `${simulatorUrl}/deepseek/chat/completions`, headers: { authorization: 'Bearer sim' } };
  return {
    direct: { ...sim, body: body('deepseek-chat', false) },
    gateway: { ...gw, body: body('deepseek-chat', false) },
    directStream: { ...sim, body: body('deepseek-chat', true) },
    gatewayStream: { ...gw, body: body('deepseek-chat', true) },
  };
}

function okOnly(samples: Sample[], what: string): Sample[] {
  const failed = samples.filter((s) => !s.ok);
  if (failed.length) throw new Error(`${what}: ${failed.length} of ${samples.length} requests failed (statuses ${[...new Set(failed.map((s) => s.status))].join(', ')})`);
  return samples;
}

export async function metricsOf(gw: Child<GatewayReady>): Promise<GatewayMetrics> {
  return (await gw.ask<{ metrics: GatewayMetrics }>('metrics')).metrics;
}

export async function warmUp(t: Targets, count = 100): Promise<void> {
  for (const target of [t.direct, t.gateway, t.directStream, t.gatewayStream]) await closedLoop(target, 2, { count, maxMs: 30_000 });
}

export interface SequentialResult {
  direct: Summary;
  gateway: Summary;
  /** The gateway's own share of each request, measured inside its process. */
  dynamoWait: Summary;
  cpu: Summary;
  /** The user-space part of `cpu`. */
  userCpu: Summary;
  dynamoCallsPerRequest: number;
  processCpuMsPerRequest: number;
  counts: Record<string, number>;
}

/**
 * A pause between sequential requests lets the gateway finish the previous request's settlement (usage
 * and counter writes after the last byte) first, so each request's CPU and DynamoDB wait are its own.
 */
const SETTLE_PAUSE_MS = 25;
/** Rounds the gateway's CPU series and the floor's alternate in (each a part of the requests). */
export const SHARE_ROUNDS = 8;

/** Figure 1 at concurrency 1: latency with and without the gateway, and where the gateway's time goes. */
export async function sequential(t: Targets, gw: Child<GatewayReady>, requests: number): Promise<SequentialResult> {
  const direct = okOnly((await closedLoop(t.direct, 1, { count: requests, maxMs: 120_000, pauseMs: SETTLE_PAUSE_MS })).samples, 'direct');
  await gw.ask('reset');
  const through = okOnly((await closedLoop(t.gateway, 1, { count: requests, maxMs: 120_000, pauseMs: SETTLE_PAUSE_MS })).samples, 'gateway');
  const m = await metricsOf(gw);
  return {
    direct: summarise(direct.map((s) => s.totalMs)),
    gateway: summarise(through.map((s) => s.totalMs)),
    dynamoWait: summarise(m.dynamoWaitMs),
    cpu: summarise(m.cpuMs),
    userCpu: summarise(m.userCpuMs),
    dynamoCallsPerRequest: m.dynamoCalls / m.requests,
    processCpuMsPerRequest: m.processCpuMs / m.requests,
    counts: Object.fromEntries(Object.entries(m.counts).map(([k, v]) => [k, v / m.requests])),
  };
}

/** Figure 1 at a fixed request rate (an open loop: requests do not wait for each other). */
export async function fixedRate(t: Targets, rate: number, seconds: number): Promise<{ direct: Summary; gateway: Summary }> {
  const direct = okOnly(await openLoop(t.direct, rate, seconds * 1000), 'direct at rate');
  const gateway = okOnly(await openLoop(t.gateway, rate, seconds * 1000), 'gateway at rate');
  return { direct: summarise(direct.map((s) => s.totalMs)), gateway: summarise(gateway.map((s) => s.totalMs)) };
}

/** Figure 2: time to the first streamed token, with and without the gateway, and the DynamoDB rounds before it. */
export async function firstToken(
  t: Targets,
  gw: Child<GatewayReady>,
  requests: number,
): Promise<{ direct: Summary; gateway: Summary; rounds: Summary; dynamoWait: Summary }> {
  const ttft = (samples: Sample[]) => summarise(samples.map((s) => s.firstTokenMs ?? Number.NaN).filter(Number.isFinite));
  const loop = { count: requests, maxMs: 120_000, pauseMs: SETTLE_PAUSE_MS };
  const direct = okOnly((await closedLoop(t.directStream, 1, loop)).samples, 'direct stream');
  await gw.ask('reset');
  const gateway = okOnly((await closedLoop(t.gatewayStream, 1, loop)).samples, 'gateway stream');
  const m = await metricsOf(gw);
  return { direct: ttft(direct), gateway: ttft(gateway), rounds: summarise(m.roundsBeforeFirstByte), dynamoWait: summarise(m.dynamoWaitBeforeFirstByteMs) };
}

export interface GatewayShare {
  /** Back to back: from the call to the response's end (in rounds interleaved with the floor's). */
  cpu: Summary & { spread: [number, number] };
  /** Back to back: from the call to the handler's return, the settlement after the last byte included. */
  wholeCpu: Summary;
  /** Back to back, a handler that does only the exchanges and the write every gateway must (no gateway logic). */
  cpuFloor: Summary & { spread: [number, number] };
  /** Back to back, the first invocations of the path (before the warm-up that the other series follow). */
  cpuWarming: Summary;
  /** The same with SETTLE_PAUSE_MS of idle before each invocation (caches and the core gone cold). */
  cpuAfterIdle: Summary;
  /** Streamed: invocation to the first body byte, less the DynamoDB wait before it, less the direct baseline's TTFT. */
  addedFirstByte: Summary;
  firstByte: Summary;
  dynamoBeforeFirstByte: Summary;
}

/** Invocations of the handler as the runtime client makes them, in the gateway's process (gateway-child.ts). */
export async function directInvocations(gw: Child<GatewayReady>, count: number, body: string, pauseMs: number, floor = false): Promise<DirectSeries> {
  const out = (await gw.ask<{ series: DirectSeries }>('direct', { count, body, pauseMs, floor })).series;
  // A refusal (the key's limits) or an error costs less than an answer: the figures hold only for answers.
  const failed = out.statuses.filter((status) => status !== 200);
  if (failed.length || out.statuses.length !== count) throw new Error(`direct invocations: ${failed.length} of ${count} did not answer 200 (${[...new Set(failed)].join(', ')})`);
  return out;
}

/**
 * The warm-up every measured series of the gateway's share follows: `warmup` plain invocations, a third as
 * many streamed, `warmup` of the floor. Returns the plain ones: the first invocations on the path run code
 * V8 has not optimized yet, and their figure is kept apart.
 */
export async function warmShare(t: Targets, gw: Child<GatewayReady>, warmup: number): Promise<DirectSeries> {
  const warming = await directInvocations(gw, warmup, t.gateway.body, 0);
  await directInvocations(gw, Math.ceil(warmup / 3), t.gatewayStream.body, 0);
  await directInvocations(gw, warmup, t.gateway.body, 0, true);
  return warming;
}

/**
 * The gateway's own share, without the local function URL front: the handler invoked as Lambda's runtime
 * client invokes it (non-streamed for CPU, streamed for the first byte), in the gateway's process. The CPU
 * series runs back to back, as an instance under steady load does: each invocation is awaited to its end
 * (its settlement included) before the next starts, so no two overlap and each figure is still its own.
 * After an idle gap the next request costs more (on this machine about half again: caches and branch
 * predictors cold, the core woken), which is reported beside it. Steady load also means code V8 has
 * optimized: the series follow `warmup` invocations of each path, in a process that runs nothing but
 * invocations (as a Lambda instance does), and the first of those are reported too.
 */
export async function gatewayShare(t: Targets, gw: Child<GatewayReady>, requests: number, warmup: number, directTtftP50: number): Promise<GatewayShare> {
  const series = (count: number, body: string, pauseMs: number, floor = false) => directInvocations(gw, count, body, pauseMs, floor);
  const warming = await warmShare(t, gw, warmup);
  // The gateway and the floor alternate in rounds, so both see the machine in the same states; each
  // figure is the median of its rounds' p50s (stats.ts summariseRounds).
  const plain: DirectSeries[] = [];
  const floor: DirectSeries[] = [];
  for (let round = 0; round < SHARE_ROUNDS; round++) {
    plain.push(await series(Math.ceil(requests / SHARE_ROUNDS), t.gateway.body, 0));
    floor.push(await series(Math.ceil(requests / SHARE_ROUNDS), t.gateway.body, 0, true));
  }
  const idle = await series(requests, t.gateway.body, SETTLE_PAUSE_MS);
  const streamed = await series(requests, t.gatewayStream.body, SETTLE_PAUSE_MS);
  return {
    cpu: summariseRounds(plain.map((r) => r.cpuMs)),
    cpuWarming: summarise(warming.cpuMs.slice(0, requests)),
    cpuFloor: summariseRounds(floor.map((r) => r.cpuMs)),
    wholeCpu: summariseRounds(plain.map((r) => r.wholeCpuMs)),
    cpuAfterIdle: summarise(idle.cpuMs),
    firstByte: summarise(streamed.firstByteMs),
    dynamoBeforeFirstByte: summarise(streamed.dynamoBeforeFirstByteMs),
    addedFirstByte: summarise(streamed.firstByteMs.map((ms, i) => ms - streamed.dynamoBeforeFirstByteMs[i]! - directTtftP50)),
  };
}

/** One DynamoDB round trip from outside the gateway: what "one parallel round" of admission costs here. */
export async function dynamoRoundTrip(endpoint: string, requests: number): Promise<Summary> {
  const doc = createDocumentClient({ dynamoEndpoint: endpoint, region: 'us-east-1' });
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const began = performance.now();
    await doc.send(new GetCommand({ TableName: 'op-keys', Key: { pk: `bench#${i % 10}`, sk: 'none' } }));
    times.push(performance.now() - began);
  }
  doc.destroy();
  return summarise(times.slice(Math.min(20, requests / 10)));
}

export interface RampStep {
  concurrency: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  rssMb: number;
  /** Share of one core each process used during the step (100 = one core busy throughout). */
  gatewayCpuPct: number;
  upstreamsCpuPct: number;
}

/** Figure 3: throughput as concurrency doubles, until errors appear or p99 doubles, with the gateway's RSS. */
export async function ramp(
  t: Targets,
  gw: Child<GatewayReady>,
  upstreams: Child<unknown>,
  maxConcurrency: number,
  stepMs: number,
): Promise<{ steps: RampStep[]; peakRssMb: number }> {
  const steps: RampStep[] = [];
  let peakRssMb = 0;
  for (let c = 1; c <= maxConcurrency; c *= 2) {
    await Promise.all([gw.ask('reset'), upstreams.ask('reset')]);
    const { samples, elapsedMs } = await closedLoop(t.gateway, c, { maxMs: stepMs });
    const [m, up] = await Promise.all([metricsOf(gw), upstreams.ask<{ cpuMs: number }>('metrics')]);
    peakRssMb = Math.max(peakRssMb, m.peakRssMb);
    const ok = samples.filter((s) => s.ok);
    const lat = summarise(ok.map((s) => s.totalMs));
    steps.push({
      concurrency: c,
      rps: (ok.length / elapsedMs) * 1000,
      p50: lat.p50,
      p99: lat.p99,
      errors: samples.length - ok.length,
      rssMb: m.rssMb,
      gatewayCpuPct: (100 * m.processCpuMs) / elapsedMs,
      upstreamsCpuPct: (100 * up.cpuMs) / elapsedMs,
    });
    const first = steps[0] as RampStep;
    if (samples.length - ok.length > 0 || lat.p99 > 2 * first.p99) break;
  }
  return { steps, peakRssMb };
}

/** Figure 5: DynamoDB commands per admitted request (non-streamed and streamed alike), by label. */
export async function dynamoCounts(t: Targets, gw: Child<GatewayReady>, requests: number): Promise<{ perRequest: Record<string, number>; total: number; added: Summary }> {
  await gw.ask('reset');
  const agent = agentFor(1);
  const samples: Sample[] = [];
  for (let i = 0; i < requests; i++) samples.push(await send(i % 2 ? t.gatewayStream : t.gateway, agent));
  agent.destroy();
  okOnly(samples, 'counted requests');
  const m = await metricsOf(gw);
  const perRequest = Object.fromEntries(Object.entries(m.counts).map(([k, v]) => [k, v / requests]));
  return { perRequest, total: m.dynamoCalls / requests, added: summarise(samples.filter((_, i) => i % 2 === 0).map((s) => s.totalMs)) };
}
