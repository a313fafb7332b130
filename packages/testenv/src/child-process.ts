// A supervised child process whose output goes to a log file, so a failure can quote its last lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { TestEnvError } from './errors.ts';

export interface ChildOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export class Child {
  readonly name: string;
  readonly logFile: string;
  readonly exited: Promise<number | null>;
  private readonly process: ChildProcess;
  private exitCode: number | null | undefined;

  constructor(options: ChildOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
    const log = createWriteStream(options.logFile, { flags: 'a' });
    this.process = spawn(options.command, options.args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Two sources share one log: neither may end it; `finish` does once the process closed.
    this.process.stdout?.pipe(log, { end: false });
    this.process.stderr?.pipe(log, { end: false });
    // Resolves once the process is gone AND its output is flushed to the log, so a failure can quote it.
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null): void => {
        this.exitCode = code;
        log.end(() => resolve(code));
      };
      this.process.on('error', (error) => {
        log.write(`spawn failed: ${error.message}\n`);
        finish(-1);
      });
      this.process.on('close', (code, signal) => finish(code ?? (signal ? -1 : null)));
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** False once the process exited (its output may still be flushing: await `exited`). */
  get running(): boolean {
    return this.exitCode === undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** The reason a start failed: exit code and the log's last lines. */
  failure(what: string): TestEnvError {
    return new TestEnvError(
      `${this.name} ${what} (exit code ${String(this.exitCode)}); last lines of ${this.logFile}:\n${tail(this.logFile, 15)}`,
    );
  }

  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Synchronous kill, for process 'exit' handlers where nothing async runs. */
  killNow(): void {
    if (this.running) this.process.kill('SIGKILL');
  }
}

export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
