// Runs a build step (cdk synth, npm ci) to completion without echoing it: the output is kept (the last
// 20,000 characters of stdout and stderr, interleaved) so that a failure can show what went wrong.
import { spawn } from 'node:child_process';

const KEPT_OUTPUT = 20_000;

/** A command that ran and exited with something other than 0 (`exitCode` is null when a signal ended it). */
export class CommandFailedError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`${command} failed with exit code ${exitCode}:\n${output}`);
  }
}

/**
 * Resolves when `cmd` exits with 0; rejects with CommandFailedError (named `label`, by default `cmd`) on
 * any other exit, or with the spawn error when it cannot start at all.
 */
export function runCommand(cmd: string, args: string[], options: { cwd: string; label?: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-KEPT_OUTPUT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new CommandFailedError(options.label ?? cmd, code, output))));
  });
}
