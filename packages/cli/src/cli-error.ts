// Errors the CLI reports in one line and the exit code that goes with them; scripts rely on the codes.

/** 0 done; 1 the answer is "no" (failed, timed out, changes found, not found); 2 the question could not be asked. */
export const ExitCode = { Ok: 0, Failed: 1, Error: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode = ExitCode.Error) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A command line that cannot be understood: unknown command, flag or kind, missing argument. */
export class UsageError extends CliError {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Error);
    this.hint = hint;
  }
}

/** The object or the cluster said no: not found, not ready, timed out. Exit code 1. */
export class FailedError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.Failed);
  }
}
