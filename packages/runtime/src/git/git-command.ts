// Runs the system git in its own process group, with a clean environment and a deadline that kills the whole
// group (git and its remote helpers or ssh), capturing output for error messages.
import { spawn } from 'node:child_process';

export interface GitCommandOptions {
  cwd?: string;
  /** Added to the clean environment (credentials travel here, never in arguments). */
  env?: Record<string, string>;
  /** Absolute deadline shared by the steps of one fetch. */
  deadline?: number;
  /** Caps captured stdout, e.g. for ls-remote on huge repositories. */
  maxOutputBytes?: number;
}

export interface GitCommandResult {
  stdout: string;
  stderr: string;
}

export class GitCommandError extends Error {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;

  constructor(args: readonly string[], exitCode: number | null, stderr: string, timedOut: boolean) {
    super(timedOut ? `git ${args[0]} timed out` : `git ${args[0]} exited with ${exitCode}: ${stderr.trim()}`);
    this.name = 'GitCommandError';
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.timedOut = timedOut;
  }
}

// Only what git needs from the controller's environment; user and system config are kept out so that a
// credential helper or `insteadOf` on the machine cannot change what we fetch or leak where it goes.
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'false',
    SSH_ASKPASS: 'false',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    LC_ALL: 'C',
  };
  for (const name of [
    'PATH',
    'HOME',
    'TMPDIR',
    'HTTPS_PROXY',
    'HTTP_PROXY',
    'NO_PROXY',
    'ALL_PROXY',
    'https_proxy',
    'http_proxy',
    'no_proxy',
    'all_proxy',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
  ]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export function runGit(args: readonly string[], options: GitCommandOptions = {}): Promise<GitCommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...baseEnvironment(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const remaining = options.deadline === undefined ? undefined : options.deadline - Date.now();
    const timer =
      remaining === undefined
        ? undefined
        : setTimeout(
            () => {
              timedOut = true;
              killGroup();
            },
            Math.max(0, remaining),
          );
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (options.maxOutputBytes === undefined || stdoutBytes <= options.maxOutputBytes) stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      // Keep the tail: the last lines say why git failed.
      stderr.push(chunk);
      if (stderr.length > 64) stderr.shift();
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new GitCommandError(args, null, error.message, false));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // Remote helpers may outlive git; the group goes with it.
      killGroup();
      const result = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
      if (code === 0 && !timedOut) resolve(result);
      else reject(new GitCommandError(args, code, result.stderr, timedOut));
    });
  });
}
