// aws-lambda-ric on demand. Its install builds curl and aws-lambda-cpp from source (minutes), so it is not
// a dependency of the project: tools/lambda-ric pins it with its own lockfile, and this installs it the
// first time something needs the runtime client (the fidelity tests, `npm start -- --runtime lambda`,
// the benchmark). A stamp records what was built, against which lockfile and Node ABI, so the build runs
// once per machine; a lock makes parallel callers wait for the one build instead of racing it.
import { createHash } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './file-lock';
import { RIC_DIR, RIC_ENTRY } from './paths';
import { CommandFailedError, runCommand } from './run-command';

const STAMP = join(RIC_DIR, 'node_modules', '.op-ric-stamp');
const NATIVE = join(RIC_DIR, 'node_modules', 'aws-lambda-ric', 'rapid-client.node');

async function wantedStamp(): Promise<string> {
  const lock = await readFile(join(RIC_DIR, 'package-lock.json'));
  // The native addon is built for one Node ABI: a different Node needs a rebuild.
  return `${createHash('sha256').update(lock).digest('hex')} ${process.versions.modules} ${process.platform}-${process.arch}`;
}

async function installed(stamp: string): Promise<boolean> {
  const have = await readFile(STAMP, 'utf8').catch(() => '');
  return have === stamp && (await access(NATIVE).then(() => true, () => false));
}

async function npmCi(log: (line: string) => void): Promise<void> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    await runCommand(npm, ['ci', '--prefix', RIC_DIR, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: RIC_DIR });
  } catch (err) {
    if (!(err instanceof CommandFailedError)) throw err;
    log(err.output);
    throw new Error(`npm ci --prefix tools/lambda-ric failed with exit code ${err.exitCode}; it needs cmake, make, g++ and python3. Output:\n${err.output}`);
  }
}

/**
 * Installs the pinned aws-lambda-ric if it is missing or was built for something else, and returns the
 * path of its entry script (`node <entry>` runs the runtime client).
 */
export async function ensureRic(log: (line: string) => void = () => undefined): Promise<string> {
  const stamp = await wantedStamp();
  if (await installed(stamp)) return RIC_ENTRY;
  await withFileLock(join(RIC_DIR, '.install-lock'), async () => {
    if (await installed(stamp)) return; // another process built it while this one waited
    log('Installing aws-lambda-ric (tools/lambda-ric): its native build takes a minute or two, once per machine...');
    const began = Date.now();
    await npmCi(log);
    await writeFile(STAMP, stamp);
    log(`aws-lambda-ric installed in ${Math.round((Date.now() - began) / 1000)} s.`);
  });
  return RIC_ENTRY;
}
