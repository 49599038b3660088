// aws-lambda-ric on demand. Its install builds curl and aws-lambda-cpp from source (minutes), so it is not
// a dependency of the project: tools/lambda-ric pins it with its own lockfile, and this installs it the
// first time something needs the runtime client (the fidelity tests, `npm start -- --runtime lambda`,
// the benchmark). A stamp records what was built, against which lockfile and Node ABI, so the build runs
// once per machine; a lock makes parallel callers wait for the one build instead of racing it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './file-lock';
import { RIC_DIR, RIC_ENTRY } from './paths';

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

function npmCi(log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['ci', '--prefix', RIC_DIR, '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: RIC_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) return resolve();
      log(output);
      reject(new Error(`npm ci --prefix tools/lambda-ric failed with exit code ${code}; it needs cmake, make, g++ and python3. Output:\n${output}`));
    });
  });
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
