// `npm run bench:instructions`: machine instructions per invocation, counted by valgrind's callgrind, for
// the gateway's share and for the floor (bench/gateway-child.ts): the same series as the CPU figure of
// `npm run bench`, but a count that does not move with the machine's state, so a change to the hot path
// can be judged by one run before and one after (milliseconds on this machine vary up to 2× from one hour
// to the next). Counted on the main thread only (V8's compiler and GC helper threads are left out), over
// whole invocations (the settlement after the last byte included), after the same warm-up as the CPU
// series. Needs valgrind (Debian: apt-get install valgrind); under it the gateway runs some 20× slower,
// which the series' timeouts allow for. Writes bench/instructions.json.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR, PROJECT_ROOT } from '../lambda/local/runtime-api/paths';
import { bundle, gatewayEnv, startChild } from './children';
import { SIZES } from './config';
import { prepareLambda } from './lambda';
import { lambdaNode } from './lambda-node';
import { directInvocations, targets, warmShare, type GatewayReady } from './phases';

const counted = Number(process.env.BENCH_INSTRUCTION_REQUESTS ?? 300);
const dir = join(CACHE_DIR, 'callgrind');

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('bench:instructions needs valgrind (Debian: apt-get install valgrind)');
  process.exit(1);
}

const log = (line: string) => console.error(`[instructions] ${line}`);
const prepared = await prepareLambda(log);
const upstreams = await startChild<{ dynamoEndpoint: string; simulatorUrl: string }>('./upstreams-child.ts');
await rm(dir, { recursive: true, force: true });
await mkdir(dir, { recursive: true });
// On the function's runtime major, as in `npm run bench` (bench/lambda-node.ts).
const node = await lambdaNode(prepared.bundles.chat.runtime, log);
log(`the gateway runs on Node ${node.version}${node.fallback ? ` (${node.fallback})` : ''}`);
const gw = await startChild<GatewayReady>(await bundle('./gateway-child.ts'), gatewayEnv(prepared.bundles.chat, upstreams.ready), {
  node: node.path,
  // Counting starts off and is switched on for the counted series only; JIT code is rewritten in place.
  wrap: { command: 'valgrind', args: ['-q', '--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', '--smc-check=all-non-file', `--callgrind-out-file=${join(dir, 'callgrind.%p')}`] },
  readyMs: 300_000,
});
const t = targets(upstreams.ready.simulatorUrl, gw.ready.baseUrl, gw.ready.apiKey);
const control = (...args: string[]) => execFileSync('callgrind_control', [...args, String(gw.pid)], { stdio: 'ignore' });

log(`warming up as the CPU series does (${SIZES.directWarmup} invocations of each path)`);
await warmShare(t, gw, SIZES.directWarmup);
for (const [label, floor] of [['gateway', false], ['floor', true]] as const) {
  log(`counting ${counted} ${label} invocations`);
  control('--zero');
  control('--instr=on');
  await directInvocations(gw, counted, t.gateway.body, 0, floor);
  control('--instr=off');
  control(`--dump=${label}`);
}
await gw.stop().catch(() => undefined);
await upstreams.stop();

// One file per dump and thread; the main thread's end in -01, and names its dump in its header.
const perInvocation: Record<string, number> = {};
for (const name of (await readdir(dir)).filter((f) => f.endsWith('-01'))) {
  const text = await readFile(join(dir, name), 'utf8');
  const label = /^desc: Trigger: dump (\w+)$/m.exec(text)?.[1];
  const totals = Number(/^totals: (\d+)$/m.exec(text)?.[1]);
  if (label && Number.isFinite(totals)) perInvocation[label] = Math.round(totals / counted);
}
const { gateway, floor } = perInvocation;
if (gateway === undefined || floor === undefined) throw new Error(`no counts found in ${dir}`);
const result = { node: node.version, invocations: counted, warmup: SIZES.directWarmup, instructionsPerInvocation: { gateway, floor }, gatewayToFloor: Number((gateway / floor).toFixed(2)), profiles: relative(PROJECT_ROOT, dir) };
console.log(`instructions per invocation (main thread, whole invocation): gateway ${gateway.toLocaleString('en-US')}, floor ${floor.toLocaleString('en-US')} (${result.gatewayToFloor}×)`);
console.log(`per-function counts: callgrind_annotate ${dir}/callgrind.<pid>.<n>-01`);
await writeFile(fileURLToPath(new URL('instructions.json', import.meta.url)), `${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
