// What the controller benchmarks share: flags, figures, a controller's peak RSS and log, waiting for all objects.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { pushArtifact, type ArtifactPusher } from './fixtures/oci-artifacts.ts';

/** `--name=value` from the command line, as a number; `fallback` when not given. */
export function numberFlag(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
}

/** Milliseconds as the benchmarks print them: "1.23 s". */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Overwrites the current line of stderr: a benchmark's progress, gone once it prints its figures. */
export function progress(text: string): void {
  process.stderr.write(`\r\x1b[K${text}`);
}

/** VmHWM: the process's peak resident set so far, in MiB. */
export async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

/** User + system CPU seconds of a process and of the children it has waited for (`/proc/<pid>/stat`, 100 ticks/s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name may hold spaces: the fields start after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) / 100;
}

/** Whether the object's Ready condition is True. */
export function isReady(object: {
  status?: { conditions?: ReadonlyArray<{ type: string; status: string }> | undefined } | undefined;
}): boolean {
  return (
    object.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false
  );
}

/** Calls `onLine` with each whole line the stream writes. */
export function forEachLine(stream: Readable | null | undefined, onLine: (line: string) => void): void {
  let partialLine = '';
  stream?.on('data', (chunk: Buffer) => {
    const lines = (partialLine + chunk.toString()).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
}

/** The last 20,000 characters of a controller's log, for the message when a benchmark times out. */
export class LogTail {
  private tail = '';

  append(line: string): void {
    this.tail = (this.tail + line + '\n').slice(-20_000);
  }

  get text(): string {
    return this.tail;
  }
}

export interface WaitForAllOptions<T> {
  /** Lists the objects waited on. */
  list: () => Promise<readonly T[]>;
  count: number;
  done: (object: T) => boolean;
  /** What is waited for, as the progress lines and the timeout name it. */
  what: string;
  /** performance.now() when the wait began. */
  since: number;
  log: LogTail;
}

/** Waits up to 10 minutes for `count` objects to be `done`, printing how many are every 5 s. */
export async function waitForAll<T>({ list, count, done, what, since, log }: WaitForAllOptions<T>): Promise<void> {
  let lastReport = 0;
  for (;;) {
    const finished = (await list()).filter(done).length;
    if (finished === count) return;
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      console.log(`  ${finished}/${count} ${what} after ${formatSeconds(performance.now() - since)}`);
    }
    if (performance.now() - since > 600_000)
      throw new Error(`timed out waiting for ${what}; controller log tail:\n${log.text}`);
    await delay(250);
  }
}

/** The merge patch that asks a controller to reconcile the object now; `token` names the request. */
export function reconcileRequest(token: string): { metadata: { annotations: Record<string, string> } } {
  return { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } };
}

/** Whether the object has handled the reconcile request `token` and is Ready. */
export function isReadyAfterRequest(
  object: Parameters<typeof isReady>[0] & { status?: { lastHandledReconcileAt?: string | undefined } | undefined },
  token: string,
): boolean {
  return object.status?.lastHandledReconcileAt === token && isReady(object);
}

/** Runs `work` for each index below `count`, `batchSize` at once, one batch after the other (all at once by default). */
export async function inBatches(
  count: number,
  work: (index: number) => Promise<unknown>,
  batchSize = count,
): Promise<void> {
  for (let start = 0; start < count; start += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, count - start) }, (_, offset) => start + offset);
    await Promise.all(batch.map(work));
  }
}

/** Sends SIGTERM to a process still running and waits for it to exit. */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

export interface BenchCluster {
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  /** Started for the benchmark, to stop at its end; undefined on a cluster given by kubeconfig. */
  controlPlane: ControlPlane | undefined;
}

/** The cluster a scale benchmark runs on: the one `kubeconfigPath` names, else a full control plane of its own. */
export async function benchCluster(kubeconfigPath: string | undefined): Promise<BenchCluster> {
  let controlPlane: ControlPlane | undefined;
  if (!kubeconfigPath) {
    progress('starting a control plane (full mode)...');
    controlPlane = await startControlPlane({ full: true });
    kubeconfigPath = controlPlane.kubeconfigPath;
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  return { kubeconfigPath, kubeConfig, controlPlane };
}

/** Runs `work` on every item, at most `limit` at a time. */
export async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** The OCIRepository benchmarks' registry content: artifact `i` is `bench/app-<i>:v1.0.0`, one small ConfigMap. */
export const benchArtifactRepository = (index: number): string => `bench/app-${index}`;
export const BENCH_ARTIFACT_TAG = 'v1.0.0';

/** Pushes the `count` benchmark artifacts, 20 at once; returns their revisions (`v1.0.0@sha256:...`) by index. */
export async function pushBenchArtifacts(pusher: ArtifactPusher, count: number): Promise<string[]> {
  const revisions: string[] = [];
  await inBatches(
    count,
    async (index) => {
      const pushed = await pushArtifact(pusher, {
        repository: benchArtifactRepository(index),
        tag: BENCH_ARTIFACT_TAG,
        files: {
          'deploy/app.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-${index}\ndata:\n  index: "${index}"\n`,
        },
      });
      revisions[index] = pushed.revision;
    },
    20,
  );
  return revisions;
}

/** The spec of the OCIRepository on benchmark artifact `index` in the plain-HTTP registry at `registryHost`. */
export function benchOciRepositorySpec(
  registryHost: string,
  index: number,
): { url: string; ref: { tag: string }; insecure: boolean; interval: string } {
  return {
    url: `oci://${registryHost}/${benchArtifactRepository(index)}`,
    ref: { tag: BENCH_ARTIFACT_TAG },
    insecure: true,
    interval: '1h',
  };
}
