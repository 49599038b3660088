// Child processes of the benchmark, spoken to over IPC. Each is killed when the runner exits, however it exits.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { FunctionBundle } from '../lambda/local/runtime-api/bundles';
import { CACHE_DIR } from '../lambda/local/runtime-api/paths';
import { lambdaHeapFlag } from '../lambda/local/runtime-api/runtime-process';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface Child<Ready> {
  ready: Ready;
  pid: number;
  ask<T>(kind: string, payload?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

let nextId = 0;

/**
 * Bundles a child's entry the way the stack bundles the Lambda (ESM, minified, `@aws-sdk/*` left to
 * node_modules), so it runs on plain node: no TypeScript loader in its CPU time or memory.
 */
export async function bundle(script: string): Promise<string> {
  const outfile = join(CACHE_DIR, 'bench', script.replace(/^\.\//, '').replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [fileURLToPath(new URL(script, import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // With BENCH_CPU_PROF, names stay readable in the profiles.
    minify: !process.env.BENCH_CPU_PROF,
    external: ['@aws-sdk/*'],
    banner: { js: "import { createRequire as __opCreateRequire } from 'node:module'; const require = __opCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return outfile;
}

/**
 * The gateway child's environment: its stores on the upstreams child, and the process as the function's
 * would run: its NODE_OPTIONS, and the heap Lambda sizes from the memory setting (V8 sizes its young
 * generation from that bound too, so an unbounded heap on a large machine would overstate memory).
 */
export function gatewayEnv(fn: FunctionBundle, upstreams: { dynamoEndpoint: string; simulatorUrl: string }): Record<string, string> {
  return {
    BENCH_DYNAMO_ENDPOINT: upstreams.dynamoEndpoint,
    BENCH_SIMULATOR_URL: upstreams.simulatorUrl,
    NODE_OPTIONS: [fn.environment.NODE_OPTIONS, lambdaHeapFlag(fn.memoryMb)].filter(Boolean).join(' '),
  };
}

export interface ChildOptions {
  /** The node binary a bundled child runs on (default: this process's). */
  node?: string;
  /** A program node runs under (valgrind, say): `command ...args node script`. */
  wrap?: { command: string; args: string[] };
  /** How long the child may take to say it is ready (a wrapper may slow it down many times). */
  readyMs?: number;
}

/** Starts `script` (a path relative to bench/, run with tsx) or an already bundled file (absolute path, plain node). */
export async function startChild<Ready>(script: string, env: Record<string, string> = {}, options: ChildOptions = {}): Promise<Child<Ready>> {
  const bundled = script.startsWith('/');
  // BENCH_CPU_PROF=<dir>: each bundled child writes a V8 CPU profile there when it stops (for finding where CPU goes).
  const nodeArgs = bundled ? (process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, '--cpu-prof-interval=100'] : []) : ['--import', 'tsx'];
  const node = options.node ?? process.execPath;
  const child = fork(bundled ? script : fileURLToPath(new URL(script, import.meta.url)), [], {
    execPath: options.wrap?.command ?? node,
    execArgv: options.wrap ? [...options.wrap.args, node, ...nodeArgs] : nodeArgs,
    // The gateway's request log goes where Lambda's would go: written, but not read by the benchmark.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { PATH: process.env.PATH, ...env },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const ready = await new Promise<Ready>((resolve, reject) => {
    const readyMs = options.readyMs ?? 60_000;
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${readyMs / 1000} s`)), readyMs);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.on('message', (m: { kind: string } & Ready) => {
      if (m.kind === 'ready') {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
  return {
    ready,
    pid: child.pid as number,
    ask<T>(kind: string, payload: Record<string, unknown> = {}) {
      const id = ++nextId;
      return new Promise<T>((resolve) => {
        const onMessage = (m: { kind: string; id?: number } & Record<string, unknown>) => {
          if (m.id !== id) return;
          child.off('message', onMessage);
          resolve(m as unknown as T);
        };
        child.on('message', onMessage);
        child.send({ ...payload, kind, id });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ kind: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
