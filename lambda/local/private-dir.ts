// The local data folder holds the dev key and every table: readable by its owner only. New files are made
// private by the process umask; files left by older versions (0644 in a 0755 folder) are fixed on start.
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** Creates `dir` if needed and makes it, and everything under it, 0700 (folders) and 0600 (files). */
export async function makePrivate(dir: string): Promise<void> {
  // Everything this process creates from now on (dynalite's LevelDB files included) is owner-only. Worker
  // threads share the process's umask and may not set it.
  if (isMainThread) process.umask(process.umask() | 0o077);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Iterative, so a deep folder tree cannot overflow the stack.
  const pending = [dir];
  while (pending.length) {
    const current = pending.pop()!;
    await chmod(current, 0o700);
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) await chmod(path, 0o600);
    }
  }
}
