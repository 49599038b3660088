// `npm run bench`: the gateway's performance budget, measured on this machine against baselines from the
// same run (requests sent straight to the provider simulator). All traffic stays on 127.0.0.1; every
// series is bounded in count and time, and the whole run stops itself (BENCH_TIMEOUT_MS).
// Prints tables and writes bench/results.json. Sizes: see bench/config.ts (BENCH_* variables).
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundle, gatewayEnv, startChild } from './children';
import { lambdaNode } from './lambda-node';
import { PRICES, SIZES, STATED_UPSTREAM_MS, TARGETS } from './config';
import { PARTITION_RCU_PER_S, PARTITION_WCU_PER_S, capacity, type CapacityStep } from './capacity';
import { costPerMillion } from './cost';
import { lambdaSeries, prepareLambda } from './lambda';
import { dynamoCounts, dynamoRoundTrip, firstToken, fixedRate, gatewayShare, ramp, sequential, SHARE_ROUNDS, targets, warmUp, type GatewayReady } from './phases';
import { round } from './stats';
import { check, table, type Cell } from './report';

const watchdog = setTimeout(() => {
  console.error(`benchmark: stopped after ${SIZES.timeoutMs} ms (BENCH_TIMEOUT_MS)`);
  process.exit(1);
}, SIZES.timeoutMs);
watchdog.unref();

const began = Date.now();
const log = (line: string) => console.error(`[bench ${((Date.now() - began) / 1000).toFixed(0)}s] ${line}`);
const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` };
log(`machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}`);
const loadBefore = loadavg()[0] ?? 0;
// Everything here shares the machine's cores: other work running at the same time skews every figure.
if (loadBefore > machine.cores / 2) log(`warning: load average ${loadBefore.toFixed(1)} on ${machine.cores} cores before starting; figures will be pessimistic`);

log('preparing the runtime client and the bundles (first run: native build and cdk synth)');
const prepared = await prepareLambda(log);

const upstreams = await startChild<{ dynamoEndpoint: string; simulatorUrl: string }>('./upstreams-child.ts');
const { dynamoEndpoint, simulatorUrl } = upstreams.ready;
const gwEnv = gatewayEnv(prepared.bundles.chat, upstreams.ready);
// The gateway's processes run on the function's runtime major (bench/lambda-node.ts).
const gwNode = await lambdaNode(prepared.bundles.chat.runtime, log);
const onLambdaNode = { node: gwNode.path };
log(`the gateway's processes run on Node ${gwNode.version}${gwNode.fallback ? ` (${gwNode.fallback})` : ` (the function's runtime: ${prepared.bundles.chat.runtime})`}`);
const gatewayBundle = await bundle('./gateway-child.ts');
const gw = await startChild<GatewayReady>(gatewayBundle, gwEnv, onLambdaNode);
const t = targets(simulatorUrl, gw.ready.baseUrl, gw.ready.apiKey);

log('warming up');
await warmUp(t);
log(`1. added latency, concurrency 1 (${SIZES.requests} requests each)`);
const seq = await sequential(t, gw, SIZES.requests);
log(`2. time to first token (${Math.ceil(SIZES.requests / 2)} streams each)`);
const ttft = await firstToken(t, gw, Math.ceil(SIZES.requests / 2));
const rtt = await dynamoRoundTrip(dynamoEndpoint, 200);
log(`3. throughput ramp to concurrency ${SIZES.maxConcurrency}, ${SIZES.stepMs} ms per step`);
const thr = await ramp(t, gw, upstreams, SIZES.maxConcurrency, SIZES.stepMs);
const peakStep = thr.steps.reduce((a, b) => (b.rps > a.rps ? b : a));
const withinBudget = thr.steps.filter((s) => s.errors === 0 && s.p99 <= 2 * (thr.steps[0]?.p99 ?? Infinity));
const sustained = withinBudget.reduce((a, b) => (b.rps > a.rps ? b : a), withinBudget[0] ?? peakStep);
// A fixed rate this machine can serve: half the sustained throughput unless BENCH_RATE says otherwise.
const ratePerSecond = SIZES.rate ?? Math.max(1, Math.round(sustained.rps / 2));
log(`1. added latency at ${ratePerSecond} requests/s for ${SIZES.rateSeconds} s`);
const rate = await fixedRate(t, ratePerSecond, SIZES.rateSeconds);
// In a gateway process of its own that only ever runs invocations, as a Lambda instance does: in the one
// that served the HTTP phases, code the two paths share has seen both paths' objects (polymorphic
// call sites, a larger heap), which no instance in Lambda carries.
log(`1-2. the gateway's own share: the handler invoked as the runtime client invokes it (${SIZES.requests} each, plain and streamed, after ${SIZES.directWarmup} to warm up)`);
const gwShare = await startChild<GatewayReady>(gatewayBundle, gwEnv, onLambdaNode);
const share = await gatewayShare(t, gwShare, SIZES.requests, SIZES.directWarmup, ttft.direct.p50);
await gwShare.stop();
log('5. DynamoDB requests per admitted request, limits on and off');
const countsOn = await dynamoCounts(t, gw, 200);
await gw.stop();
const gwOff = await startChild<GatewayReady>(gatewayBundle, { ...gwEnv, OP_LIMITS: 'off' }, onLambdaNode);
const tOff = targets(simulatorUrl, gwOff.ready.baseUrl, gwOff.ready.apiKey);
await warmUp(tOff, 30);
const countsOff = await dynamoCounts(tOff, gwOff, 200);
await gwOff.stop();
log('7. DynamoDB capacity per request at 1, 50 and 500 open streams on one key, refusals, shards');
// A ten-minute lease: no renewal falls inside a measurement (renewals are modelled on their own).
const gwCap = await startChild<GatewayReady>(gatewayBundle, { ...gwEnv, OP_LEASE_MS: '600000' }, onLambdaNode);
const cap = await capacity(gwCap, upstreams, simulatorUrl, log);
await gwCap.stop();
log(`4. cold starts under aws-lambda-ric (${SIZES.coldStarts} fresh processes) and ${SIZES.lambdaRequests} warm invocations`);
const lam = await lambdaSeries(prepared, { dynamoEndpoint, simulatorUrl, apiKey: gw.ready.apiKey }, { coldStarts: SIZES.coldStarts, requests: SIZES.lambdaRequests });
await upstreams.stop();

// 6. Cost: the gateway's own billed time is an invocation's duration less the upstream's answer time
// (the direct request's latency, which also contains one loopback round trip: a slight underestimate
// of the upstream, so a slight overestimate of the gateway).
const gatewayMs = Math.max(0, lam.warm.meanInvocationMs - seq.direct.mean);
const costAt = (step: CapacityStep) =>
  costPerMillion({
    memoryMb: lam.bundles.memoryMb,
    gatewayMs,
    writeUnits: step.writeUnits,
    readUnits: step.readUnits,
    aggregator: { invocations: step.aggregatorBatchesPerRequest, ms: step.aggregatorMsPerRequest, writeUnits: step.aggregatorWriteUnits, readUnits: step.aggregatorReadUnits, memoryMb: lam.bundles.memoryMb },
    logBytesPerRequest: lam.warm.logBytesPerRequest,
  });
const costs = cap.steps.map((s) => ({ streams: s.streams, ...costAt(s) }));
const cost = costs.find((c) => c.streams === 500) ?? costs[0]!;

// The TTFT target allows 2 ms beyond the DynamoDB round(s) admission needs: what the gateway waited on
// DynamoDB before the first byte is taken off the added time to first token.
const checks = [
  // Through the local front, Node's HTTP server and the function URL emulation (which Lambda replaces with
  // its own front and runtime client) take a large part of the figure; the targets are the gateway's share.
  check(`Gateway CPU per request, p50, the gateway's share (handler invoked as by the runtime client, back to back, the median of ${SHARE_ROUNDS} rounds' p50s; DynamoDB waits excluded)`, share.cpu.p50, TARGETS.cpuP50Ms, 'ms', 3),
  check(
    `Added time to first token less its DynamoDB wait, p50, the gateway's share (${share.firstByte.p50.toFixed(2)} - ${share.dynamoBeforeFirstByte.p50.toFixed(2)} - ${ttft.direct.p50.toFixed(2)} ms direct)`,
    share.addedFirstByte.p50,
    TARGETS.addedTtftMsBesidesDynamo,
    'ms',
  ),
  check('DynamoDB rounds before the first streamed byte, p99', ttft.rounds.p99, TARGETS.admissionRounds, 'rounds', 0),
  check('Chat bundle, minified', lam.bundles.chatBytes / 1024, TARGETS.chatBundleKb, 'KB', 1),
  check('Cold start under aws-lambda-ric (init + first response), median', lam.coldStart.medianFirstResponseMs, TARGETS.coldStartMs, 'ms', 0),
  check(`Gateway RSS at peak throughput (${peakStep.rps.toFixed(0)} req/s, concurrency ${peakStep.concurrency})`, peakStep.rssMb, TARGETS.rssMb, 'MB', 1),
  ...cap.steps.map((s) => check(`DynamoDB write units per admitted request, request path, ${s.streams} open streams`, s.writeUnits, TARGETS.writeUnitsPerRequest, 'WCU', 2)),
  check('DynamoDB write units per refused request', cap.refused.writeUnits, TARGETS.writeUnitsPerRefusal, 'WCU', 2),
  ...costs.map((c) => check(`Cost per million requests besides the upstream wait, ${c.streams} open streams`, c.totalUsd, TARGETS.costPerMillionUsd, 'USD', 3)),
  ...cap.hot.filter((h) => !h.scenario.includes('unsharded') || h.scenario.startsWith('10,000')).flatMap((h) => [
    check(`Hottest partition key, ${h.scenario}: write units/s`, h.wcuPerS, PARTITION_WCU_PER_S, 'WCU/s', 0),
    check(`Hottest partition key, ${h.scenario}: read units/s`, h.rcuPerS, PARTITION_RCU_PER_S, 'RCU/s', 0),
  ]),
];

const out: string[] = [];
const loadAfter = loadavg()[0] ?? 0;
out.push(`OriginalPoint benchmark: ${machine.cores} cores (${machine.cpu}), Node ${machine.node} (the gateway's processes: ${gwNode.version}${gwNode.fallback ? `, ${gwNode.fallback}` : ''}); upstream = provider simulator on 127.0.0.1, unpaced`);
out.push(`load average (1 min) before ${loadBefore.toFixed(2)}, after ${loadAfter.toFixed(2)}: more than ${machine.cores / 2} means other work competed for the cores`);
out.push(
  table('1. Added latency, non-streamed (ms)', ['series', 'direct p50', 'gateway p50', 'added p50', 'direct p99', 'gateway p99', 'added p99'], [
    ['concurrency 1', seq.direct.p50, seq.gateway.p50, seq.gateway.p50 - seq.direct.p50, seq.direct.p99, seq.gateway.p99, seq.gateway.p99 - seq.direct.p99],
    [`${ratePerSecond} req/s (open loop)`, rate.direct.p50, rate.gateway.p50, rate.gateway.p50 - rate.direct.p50, rate.direct.p99, rate.gateway.p99, rate.gateway.p99 - rate.direct.p99],
  ]),
);
out.push(
  table('   Split of the gateway\'s time per request, concurrency 1 (ms, measured inside the gateway process)', ['part', 'p50', 'p99', 'mean'], [
    ['waiting on DynamoDB (before the response ended)', seq.dynamoWait.p50, seq.dynamoWait.p99, seq.dynamoWait.mean],
    ['gateway CPU (request in to response out)', seq.cpu.p50, seq.cpu.p99, seq.cpu.mean],
    ['  of which user space (JavaScript, the rest is the kernel)', seq.userCpu.p50, seq.userCpu.p99, seq.userCpu.mean],
    ['gateway process CPU / request (incl. settlement, GC)', '', '', seq.processCpuMsPerRequest],
    ["the gateway's share: CPU with the handler invoked as the runtime client does (no HTTP front)", share.cpu.p50, share.cpu.p99, share.cpu.mean],
    ['  to the invocation\'s end (the settlement after the last byte included)', share.wholeCpu.p50, share.wholeCpu.p99, share.wholeCpu.mean],
    ['  after 25 ms idle before each request (caches cold)', share.cpuAfterIdle.p50, share.cpuAfterIdle.p99, share.cpuAfterIdle.mean],
    ['  floor: a handler that only parses, makes the same counter write and upstream call, writes the answer', share.cpuFloor.p50, share.cpuFloor.p99, share.cpuFloor.mean],
    [`  the path's first ${SIZES.requests} invocations, before its ${SIZES.directWarmup}-call warm-up (JIT not done)`, share.cpuWarming.p50, share.cpuWarming.p99, share.cpuWarming.mean],
  ]),
  `   the share's CPU and the floor's alternate in rounds; their p50 is the median of the rounds' p50s (gateway ${share.cpu.spread.map((v) => round(v)).join('-')} ms, floor ${share.cpuFloor.spread.map((v) => round(v)).join('-')} ms)`,
);
out.push(
  table('2. Time to first token, streamed, concurrency 1 (ms)', ['series', 'p50', 'p99'], [
    ['direct to simulator', ttft.direct.p50, ttft.direct.p99],
    ['through the gateway', ttft.gateway.p50, ttft.gateway.p99],
    ['added', ttft.gateway.p50 - ttft.direct.p50, ttft.gateway.p99 - ttft.direct.p99],
    ['one DynamoDB round trip (dynalite)', rtt.p50, rtt.p99],
    ['DynamoDB rounds before the first byte (count)', ttft.rounds.p50, ttft.rounds.p99],
    ['DynamoDB wait before the first byte', ttft.dynamoWait.p50, ttft.dynamoWait.p99],
    ["the gateway's share: invocation to first body byte (no HTTP front)", share.firstByte.p50, share.firstByte.p99],
    ['  less its DynamoDB wait and the direct TTFT', share.addedFirstByte.p50, share.addedFirstByte.p99],
  ]),
);
out.push(
  table(`3. Throughput on ${machine.cores} cores, non-streamed (stops at errors or p99 > 2x the first step)`, ['concurrency', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'RSS MB', 'gateway CPU %', 'dynalite+sim CPU %'], thr.steps.map((s) => [s.concurrency, s.rps, s.p50, s.p99, s.errors, s.rssMb, s.gatewayCpuPct, s.upstreamsCpuPct])),
);
out.push(
  `   sustained (p99 within 2x): ${sustained.rps.toFixed(0)} req/s at concurrency ${sustained.concurrency}; peak: ${peakStep.rps.toFixed(0)} req/s; ` +
    `gateway process peak RSS over the ramp ${thr.peakRssMb.toFixed(1)} MB (under aws-lambda-ric, one invocation at a time: ${lam.warm.rssMb.toFixed(1)} MB)`,
);
out.push(
  table('4. Cold start under aws-lambda-ric (chat bundle from cdk.out)', ['measure', 'value'], [
    ['chat bundle, minified (KB)', lam.bundles.chatBytes / 1024],
    ['admin bundle, minified (KB)', lam.bundles.adminBytes / 1024],
    [`init: process start to first /next, median of ${lam.coldStart.initMs.length} (ms)`, lam.coldStart.medianInitMs],
    [`process start to first response, median of ${lam.coldStart.firstResponseMs.length} (ms)`, lam.coldStart.medianFirstResponseMs],
    ['  each (ms)', lam.coldStart.firstResponseMs.map((x) => x.toFixed(0)).join(' ')],
    ['baseline: an empty function, init, median (ms)', lam.coldStart.medianEmptyInitMs],
    ['baseline: an empty function, start to first response, median (ms)', lam.coldStart.medianEmptyFirstResponseMs],
    ['the gateway\'s share (chat - empty) (ms)', lam.coldStart.medianFirstResponseMs - lam.coldStart.medianEmptyFirstResponseMs],
    ['warm invocation duration p50 / p99 (ms)', `${lam.warm.invocationMs.p50.toFixed(2)} / ${lam.warm.invocationMs.p99.toFixed(2)}`],
    ['runtime client process RSS, warm (MB)', lam.warm.rssMb],
  ]),
);
const labels = [...new Set([...Object.keys(countsOn.perRequest), ...Object.keys(countsOff.perRequest)])].sort();
out.push(
  table('5. DynamoDB requests per admitted request (half streamed, key cache warm)', ['label', 'limits on', 'limits off'], [
    ...labels.map((l): Cell[] => [l, countsOn.perRequest[l] ?? 0, countsOff.perRequest[l] ?? 0]),
    ['all DynamoDB requests (timed at the client)', countsOn.total, countsOff.total],
    ['gateway latency p50, non-streamed (ms)', countsOn.added.p50, countsOff.added.p50],
  ]),
);
out.push(
  table(`6. Cost per million requests (Lambda ${lam.bundles.memoryMb} MB arm64, function URL; upstream wait excluded)`, ['item', 'USD / 1M', 'basis'], [
    ...cost.lines.map((l): Cell[] => [l.item, l.perMillionUsd.toFixed(3), l.basis]),
    ['total besides the upstream', cost.totalUsd.toFixed(3), ''],
    [`(for scale: ${STATED_UPSTREAM_MS} ms of upstream wait would add)`, cost.upstreamExampleUsd.toFixed(3), 'billed while the function waits for the provider'],
  ]),
);
out.push(
  table('7. DynamoDB capacity per request, counted (ConsumedCapacity), one key', ['open streams', 'WCU/request', 'RCU/request', 'writes on the key item', 'aggregator WCU', 'aggregator RCU', 'aggregator batches', 'USD / 1M'], cap.steps.map((s, i) => [s.streams, s.writeUnits, s.readUnits, s.perItem["the key's counter item"] ?? 0, s.aggregatorWriteUnits, s.aggregatorReadUnits, s.aggregatorBatchesPerRequest, costs[i]!.totalUsd])),
);
out.push(`   refused request: ${cap.refused.writeUnits.toFixed(2)} WCU, ${cap.refused.readUnits.toFixed(2)} RCU; a key at 100,000 RPM spreads over ${cap.sharded.shards} shards (writes per shard: ${cap.sharded.writesPerShard.join(', ')}), ${cap.sharded.writeUnitsPerRequest.toFixed(2)} WCU/request`);
out.push(
  table(`   Hot items: counted writes per request x rate, plus ${(cap.renewalsPerStreamPerS * 60).toFixed(0)} lease renewals a minute per open stream (limits: ${PARTITION_WCU_PER_S} WCU/s, ${PARTITION_RCU_PER_S} RCU/s per partition key)`, ['scenario', 'item', 'WCU/s', 'RCU/s'], cap.hot.map((h) => [h.scenario, h.item, h.wcuPerS, h.rcuPerS])),
);
out.push(`   gateway time billed per invocation: ${gatewayMs.toFixed(2)} ms = warm invocation mean ${lam.warm.meanInvocationMs.toFixed(2)} ms - upstream answer ${seq.direct.mean.toFixed(2)} ms`);
out.push(table('Targets', ['target', 'limit', 'measured', 'result', 'margin'], checks.map((c) => [c.target, c.limit, c.measured, c.pass ? 'pass' : 'MISS', c.margin])));
console.log(out.join('\n'));

const results = {
  at: new Date().toISOString(),
  durationS: (Date.now() - began) / 1000,
  machine: { ...machine, gatewayNode: gwNode.version, loadBefore, loadAfter },
  sizes: SIZES,
  prices: PRICES,
  assumptions: {
    statedUpstreamMs: STATED_UPSTREAM_MS,
    gatewayBilledMs: gatewayMs,
    units: 'DynamoDB units as DynamoDB counted them (ReturnConsumedCapacity TOTAL; dynalite computes them from item sizes as DynamoDB does); a refused write as one unit per KB of the item, at least one',
    runtime: 'figures 1, 2, 3, 5: the in-process local runtime in its own process; 4 and the billed duration: the chat bundle under aws-lambda-ric',
  },
  latency: { sequential: seq, fixedRate: { ratePerSecond, ...rate }, firstToken: ttft, dynamoRoundTrip: rtt },
  throughput: { ...thr, sustained, peak: peakStep },
  lambda: lam,
  dynamo: { limitsOn: countsOn, limitsOff: countsOff, capacity: cap },
  cost,
  costs,
  checks,
};
await writeFile(fileURLToPath(new URL('./results.json', import.meta.url)), JSON.stringify(results, null, 2));
log(`done in ${((Date.now() - began) / 1000).toFixed(0)} s; results in bench/results.json`);
process.exit(0);
