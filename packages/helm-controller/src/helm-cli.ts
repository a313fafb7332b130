// Runs the helm CLI (Helm 4) for one action: no shell, its own HELM_* directories, a deadline, errors as values.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { redactUrlCredentials } from '@fluxion/runtime';

/** helm exited non-zero; the message is helm's own error line(s), without its `Error: ` prefix. */
export class HelmCommandError extends Error {
  override readonly name = 'HelmCommandError';
  readonly exitCode: number | null;
  constructor(message: string, exitCode: number | null) {
    super(message);
    this.exitCode = exitCode;
  }
}

export interface HelmCliOptions {
  /** The helm binary (`--helm-path`, else `helm` on PATH). */
  helmPath: string;
  /** Where helm's cache, config and data directories go (a writable temp directory in a container). */
  homeDir: string;
  /** A kubeconfig file for helm; helm's own discovery (in-cluster, KUBECONFIG) when undefined. */
  kubeconfigPath?: string | undefined;
  /** At most this many helm processes at once (`--helm-concurrency`); reconciles waiting on health hold none. */
  maxProcesses?: number;
}

export interface HelmRunOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Extra global flags, e.g. `--kube-as-user` or `--kubeconfig` of a remote cluster. */
  globalArgs?: readonly string[];
}

export interface HelmResult {
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** What runs a helm command line: the CLI (a process per action) or the SDK helper (one process for all). */
export interface HelmRunner {
  /** Whether `--storage-namespace` (storage Secrets apart from the release namespace) is understood: the helper's. */
  readonly separateStorage: boolean;
  run(args: readonly string[], options: HelmRunOptions): Promise<HelmResult>;
  stop?(): void;
}

/** The directory of this package's Helm plugins (the post-renderer). */
export const pluginsDir = resolve(import.meta.dirname, '..', 'helm-plugins');

export class HelmCli implements HelmRunner {
  readonly separateStorage = false;
  private readonly options: HelmCliOptions;
  private readonly env: NodeJS.ProcessEnv;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(options: HelmCliOptions) {
    this.options = options;
    for (const dir of ['cache', 'config', 'data']) mkdirSync(join(options.homeDir, dir), { recursive: true });
    this.env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: options.homeDir,
      HELM_CACHE_HOME: join(options.homeDir, 'cache'),
      HELM_CONFIG_HOME: join(options.homeDir, 'config'),
      HELM_DATA_HOME: join(options.homeDir, 'data'),
      HELM_PLUGINS: pluginsDir,
      HELM_DRIVER: 'secret',
      // the post-renderer plugin runs on the same Node as the controller
      FLUXION_NODE: process.execPath,
      NODE_COMPILE_CACHE: join(options.homeDir, 'node-compile-cache'),
      ...pick(process.env, ['KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'TMPDIR']),
    };
  }

  /** Runs `helm ARGS` (queued behind maxProcesses); rejects with HelmCommandError carrying helm's message. */
  async run(args: readonly string[], options: HelmRunOptions): Promise<HelmResult> {
    const limit = this.options.maxProcesses ?? Number.POSITIVE_INFINITY;
    if (this.running >= limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await this.spawnHelm(args, options);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private spawnHelm(args: readonly string[], options: HelmRunOptions): Promise<HelmResult> {
    const started = performance.now();
    const kubeconfig = this.options.kubeconfigPath ? ['--kubeconfig', this.options.kubeconfigPath] : [];
    const fullArgs = [...args, ...kubeconfig, ...(options.globalArgs ?? [])];
    return new Promise((resolvePromise, reject) => {
      const child = spawn(this.options.helmPath, fullArgs, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      // helm's own --timeout bounds hooks; this bounds the process, with a margin for it to report first
      const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs + 30_000);
      const onAbort = () => child.kill('SIGTERM');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new HelmCommandError(`could not run helm at '${this.options.helmPath}': ${error.message}`, null));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const result = {
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          durationMs: performance.now() - started,
        };
        if (code === 0) return resolvePromise(result);
        const message = signal
          ? `helm ${args[0]} was stopped (${signal})`
          : helmErrorMessage(result.stderr) || `helm ${args[0]} exited with ${code}`;
        reject(new HelmCommandError(message, code));
      });
    });
  }
}

/** helm's `Error: ...` lines (warnings and debug lines dropped), prefix removed, credentials in URLs redacted. */
export function helmErrorMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('WARNING') && !/^level=(DEBUG|INFO|WARN)/.test(line));
  const first = lines.findIndex((line) => line.startsWith('Error: '));
  // helm's error may go on over several lines (a schema error lists each field): all of it, from the first
  const chosen = first >= 0 ? lines.slice(first).map((line) => line.replace(/^Error: /, '')) : lines.slice(-3);
  return redactUrlCredentials(chosen.join(' ').replace(/:\s*$/, ''));
}

function pick(env: NodeJS.ProcessEnv, keys: readonly string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(keys.filter((key) => env[key] !== undefined).map((key) => [key, env[key]]));
}
