// The Node.js the gateway's function runs on in Lambda (the stack's runtime, nodejs24.x), for the bench's
// gateway processes. The machine's own Node may be an older major (20 here): V8 differs between majors in
// what the gateway spends most of its CPU on (JSON, property access, object shapes), so the gateway's
// share is measured on the runtime's major. The binary comes from the npm registry's node-<os>-<arch>
// package, fetched once into the cache (about 50 MB); BENCH_LAMBDA_NODE=machine keeps the machine's Node,
// BENCH_LAMBDA_NODE=<version> picks another release. The runtime-client series (cold start, billed
// duration) stay on the machine's Node: the runtime client's native addon is built for its ABI.
import { execFile } from 'node:child_process';
import { access, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withFileLock } from '../lambda/local/runtime-api/file-lock';
import { CACHE_DIR } from '../lambda/local/runtime-api/paths';

const run = promisify(execFile);

/** The release measured per runtime major: the newest in the registry when pinned (Lambda keeps each runtime on a recent one). */
const PINNED: Readonly<Record<string, string>> = { '24': '24.22.3' };

export interface GatewayNode {
  /** The node binary the gateway's processes run on. */
  path: string;
  version: string;
  /** Why it is the machine's own, when it is. */
  fallback?: string;
}

const machine = (why: string): GatewayNode => ({ path: process.execPath, version: process.version, fallback: why });

/** The runtime's Node, fetched on first use; the machine's own when asked for, or when it cannot be had. */
export async function lambdaNode(runtime: string, log: (line: string) => void): Promise<GatewayNode> {
  const asked = process.env.BENCH_LAMBDA_NODE;
  if (asked === 'machine') return machine('BENCH_LAMBDA_NODE=machine');
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  if (!asked && major === process.versions.node.split('.')[0]) return { path: process.execPath, version: process.version };
  const wanted = asked ?? (major ? PINNED[major] : undefined);
  if (!wanted) return machine(`no Node release pinned for ${runtime} in bench/lambda-node.ts`);
  const dir = join(CACHE_DIR, `node-${wanted}-${process.platform}-${process.arch}`);
  const bin = join(dir, 'package', 'bin', 'node');
  try {
    await withFileLock(`${dir}.lock`, async () => {
      if (await access(bin).then(() => true, () => false)) return;
      log(`fetching Node ${wanted} for the gateway's processes (the function's runtime is ${runtime}; once per machine)`);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      // npm checks the tarball against the registry's integrity hash.
      const { stdout } = await run('npm', ['pack', `node-${process.platform}-${process.arch}@${wanted}`, '--pack-destination', dir, '--silent'], { cwd: dir });
      const tarball = join(dir, stdout.trim().split('\n').at(-1) ?? '');
      // Only the binary: the package also carries npm, headers and docs.
      await run('tar', ['xzf', tarball, '-C', dir, 'package/bin/node']);
      await rm(tarball);
    });
    const { stdout } = await run(bin, ['--version']);
    return { path: bin, version: stdout.trim() };
  } catch (err) {
    // Whatever was left (a failed fetch, a binary that does not run) is fetched again next time.
    await rm(dir, { recursive: true, force: true });
    const why = `Node ${wanted} could not be fetched (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
    log(`${why}: the gateway runs on the machine's ${process.version}`);
    return machine(why);
  }
}
