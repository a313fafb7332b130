// Runs helm actions in fluxion-helm-helper (Helm's SDK, one long-lived process) instead of one helm process each:
// the same command lines as the CLI, JSON lines over its stdin/stdout, post-renders answered in this process.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  HelmCommandError,
  helmErrorMessage,
  type HelmResult,
  type HelmRunOptions,
  type HelmRunner,
} from './helm-cli.ts';
import { PostRendererPlugin } from './helm-args.ts';
import { postRender, type PostRenderSpec } from './post-render.ts';

export interface HelmHelperOptions {
  /** The fluxion-helm-helper binary (`--helm-helper-path`). */
  helperPath: string;
  /** A kubeconfig file; in-cluster or KUBECONFIG when undefined. */
  kubeconfigPath?: string | undefined;
  /** At most this many actions at once (`--helm-concurrency`). */
  maxConcurrent?: number;
  kubeApiQps?: number;
  kubeApiBurst?: number;
  /** Helm's warnings and the helper's own errors, a line at a time. */
  onLog?: (line: string) => void;
}

interface Message {
  type: string;
  id: number;
  run?: number;
  args?: string[];
  stdout?: string;
  error?: string;
  manifests?: string;
}

interface Pending {
  command: string;
  started: number;
  resolve: (result: HelmResult) => void;
  reject: (error: Error) => void;
}

export class HelmHelper implements HelmRunner {
  readonly separateStorage = true;
  private readonly options: HelmHelperOptions;
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private lastLog = '';

  constructor(options: HelmHelperOptions) {
    this.options = options;
  }

  async run(args: readonly string[], options: HelmRunOptions): Promise<HelmResult> {
    const limit = this.options.maxConcurrent ?? Number.POSITIVE_INFINITY;
    if (this.running >= limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await this.send(args, options);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** The helper's process id while it runs (it starts with the first action). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops the helper; actions still running are reported failed (their releases are recovered as pending ones). */
  stop(): void {
    this.child?.stdin.end();
    this.child?.kill('SIGTERM');
    this.child = undefined;
  }

  private send(args: readonly string[], options: HelmRunOptions): Promise<HelmResult> {
    const child = this.start();
    const id = this.nextId++;
    const kubeconfig = this.options.kubeconfigPath ? ['--kubeconfig', this.options.kubeconfigPath] : [];
    const fullArgs = [...args, ...kubeconfig, ...(options.globalArgs ?? [])];
    return new Promise((resolve, reject) => {
      const cancel = (why: string) => {
        this.write(child, { type: 'cancel', id });
        this.pending.delete(id);
        reject(new HelmCommandError(`helm ${args[0]} was stopped (${why})`, null));
      };
      // helm's own --timeout bounds hooks; this bounds the action, with a margin for helm to report first
      const timer = setTimeout(() => cancel('timeout'), options.timeoutMs + 30_000);
      const onAbort = () => cancel('cancelled');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      this.pending.set(id, {
        command: args[0] ?? '',
        started: performance.now(),
        resolve: (result) => (settle(), resolve(result)),
        reject: (error) => (settle(), reject(error)),
      });
      this.write(child, { type: 'run', id, args: fullArgs });
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const flags = [
      ...(this.options.kubeApiQps ? [`--kube-api-qps=${this.options.kubeApiQps}`] : []),
      ...(this.options.kubeApiBurst ? [`--kube-api-burst=${this.options.kubeApiBurst}`] : []),
    ];
    const child = spawn(this.options.helperPath, flags, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    createInterface({ input: child.stdout }).on('line', (line) => this.receive(child, line));
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.lastLog = line;
      this.options.onLog?.(line);
    });
    const failAll = (why: string) => {
      if (this.child === child) this.child = undefined;
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        pending.reject(new HelmCommandError(`helm ${pending.command} failed: the helm helper ${why}`, null));
      }
    };
    child.on('error', (error) => failAll(`could not run at '${this.options.helperPath}': ${error.message}`));
    child.on('exit', (code, signal) => failAll(`exited (${signal ?? code})${this.lastLog ? `: ${this.lastLog}` : ''}`));
    // a closed pipe shows as the exit above; the write error itself says nothing more
    child.stdin.on('error', () => {});
    return child;
  }

  private receive(child: ChildProcessWithoutNullStreams, line: string): void {
    let message: Message;
    try {
      message = JSON.parse(line) as Message;
    } catch {
      this.options.onLog?.(`unreadable line from the helm helper: ${line.slice(0, 200)}`);
      return;
    }
    if (message.type === 'postRender') {
      void this.postRender(message).then((answer) => this.write(child, answer));
      return;
    }
    const pending = this.pending.get(message.id);
    if (message.type !== 'done' || !pending) return;
    this.pending.delete(message.id);
    if (message.error) {
      pending.reject(new HelmCommandError(helmErrorMessage(`Error: ${message.error}`), 1));
      return;
    }
    pending.resolve({ stdout: message.stdout ?? '', stderr: '', durationMs: performance.now() - pending.started });
  }

  /** The post-render the helm CLI would run as the plugin's process: the spec file is its one argument. */
  private async postRender(message: Message): Promise<Message> {
    const [name, specPath] = message.args ?? [];
    try {
      if (name !== PostRendererPlugin) throw new Error(`unknown post-renderer '${name}'`);
      if (!specPath) throw new Error('no post-render spec file');
      const spec = JSON.parse(await readFile(specPath, 'utf8')) as PostRenderSpec;
      return { type: 'postRendered', id: message.id, manifests: await postRender(message.manifests ?? '', spec) };
    } catch (error) {
      return { type: 'postRendered', id: message.id, error: (error as Error).message };
    }
  }

  private write(child: ChildProcessWithoutNullStreams, message: Message): void {
    if (child.stdin.writable) child.stdin.write(`${JSON.stringify(message)}\n`);
  }
}
