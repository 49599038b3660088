// A cross-process lock on a directory name: mkdir is atomic, so the first process to create it owns it.
// Parallel vitest workers, the benchmark and `npm start` may all want to build the same thing at once;
// only one builds and the others wait, then find the work done.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` while holding `lockDir`; a lock left by a process that died is taken over. */
export async function withFileLock<T>(lockDir: string, fn: () => Promise<T>, timeoutMs = 20 * 60_000): Promise<T> {
  await mkdir(dirname(lockDir), { recursive: true });
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await readFile(join(lockDir, 'pid'), 'utf8').catch(() => ''));
      // The owner writes its pid right after mkdir: a lock without one is being taken, unless it is old.
      const age = Date.now() - ((await stat(lockDir).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (owner ? !alive(owner) : age > 30_000) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > until) throw new Error(`timed out waiting for ${lockDir} (held by pid ${owner || 'unknown'})`);
      await sleep(250);
    }
  }
  try {
    await writeFile(join(lockDir, 'pid'), String(process.pid));
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
