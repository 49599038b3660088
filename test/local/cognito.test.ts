// cognito-local lives only as long as the process that started it, however that process ends: `npm start`
// killed with SIGKILL (or crashing) runs no cleanup, and an orphaned cognito-local would hold its port
// and data folder until the machine restarts.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The processes whose working folder is `dir` (cognito-local runs in its data folder). */
async function processesIn(dir: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found: number[] = [];
  for (const pid of pids) {
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
    if (cwd === dir) found.push(Number(pid));
  }
  return found;
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe.skipIf(process.platform !== 'linux')('local cognito-local', () => {
  it('exits when the process that started it is killed with SIGKILL', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'op-cognito-orphan-'));
    const starter = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', `import { startCognitoLocal } from './lambda/local/cognito.ts'; await startCognitoLocal({ dir: ${JSON.stringify(dir)} }); console.log('ready');`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      let out = '';
      starter.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await until(async () => out.includes('ready'), 40_000);
      expect(out).toContain('ready');
      expect(await processesIn(dir)).toHaveLength(1);

      starter.kill('SIGKILL');
      await once(starter, 'exit');
      expect(await until(async () => (await processesIn(dir)).length === 0, 10_000)).toBe(true);
    } finally {
      // Whatever failed above, nothing of the test stays running or on disk.
      starter.kill('SIGKILL');
      for (const pid of await processesIn(dir)) process.kill(pid, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
