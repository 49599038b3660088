import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { CommandFailedError, runCommand } from '../../../lambda/local/runtime-api/run-command';

const node = process.execPath;

describe('runCommand', () => {
  it('resolves when the command exits with 0', async () => {
    await expect(runCommand(node, ['-e', 'process.stdout.write("ok")'], { cwd: tmpdir() })).resolves.toBeUndefined();
  });

  it('rejects with the exit code and the last 20,000 characters of output, under its label', async () => {
    const script = 'process.stderr.write("x".repeat(30000) + "the cause"); process.exitCode = 3;';
    const err = await runCommand(node, ['-e', script], { cwd: tmpdir(), label: 'the step' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandFailedError);
    const failed = err as CommandFailedError;
    expect(failed.exitCode).toBe(3);
    expect(failed.output).toHaveLength(20_000);
    expect(failed.output.endsWith('the cause')).toBe(true);
    expect(failed.message).toBe(`the step failed with exit code 3:\n${failed.output}`);
  });

  it('keeps stdout as well as stderr', async () => {
    const script = 'process.stdout.write("on stdout"); process.exitCode = 1;';
    const err = await runCommand(node, ['-e', script], { cwd: tmpdir() }).catch((e: unknown) => e);
    expect((err as CommandFailedError).output).toBe('on stdout');
    expect((err as CommandFailedError).message).toBe(`${node} failed with exit code 1:\non stdout`);
  });

  it('rejects with the spawn error when the command cannot start', async () => {
    const err = await runCommand('/no/such/command', [], { cwd: tmpdir() }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(CommandFailedError);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});
