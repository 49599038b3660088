// What the CLI tells an operator when something goes wrong: one line that says what and what to do.

/** An error the CLI reports as a message (no stack). `exitCode` 2 is a usage error, 1 anything else. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, 2);
