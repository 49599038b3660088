// The sources type-check, the gateway's and the dashboard page's (whose API types are derived from the
// gateway's code): vitest strips types without checking them, so without this a type error would pass CI.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = promisify(execFile);

async function typecheck(project: string): Promise<string> {
  const out = await run(process.execPath, [tsc, '--noEmit', '-p', project]).then(
    () => '',
    (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() || 'tsc failed',
  );
  return out;
}

describe('type checking', () => {
  it('the gateway, stack, CLI, bench and tests', { timeout: 180_000 }, async () => {
    expect(await typecheck('.')).toBe('');
  });

  it("the dashboard's page", { timeout: 120_000 }, async () => {
    expect(await typecheck('web')).toBe('');
  });
});
