// bin/source-controller as the source-controller benches run it: its own process on a private control plane, its
// artifact storage in a temporary folder served on a free port, watching the bench's namespace only.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, stopProcess } from '@fluxion/testenv';

const binary = fileURLToPath(new URL('../bin/source-controller', import.meta.url));

export interface BenchControllerOptions {
  kubeconfigPath: string;
  namespace: string;
  concurrent: number;
  logLevel: 'debug' | 'info';
  /** Node's flags before the program (the image's, or a heap-snapshot signal) */
  nodeArgs?: readonly string[];
  /** where to serve /metrics; off unless given */
  metricsAddress?: string;
}

export interface BenchController {
  process: ChildProcess;
  pid: number;
  /** Stops the controller and removes its storage. */
  stop(): Promise<void>;
}

export async function startBenchController(options: BenchControllerOptions): Promise<BenchController> {
  const storagePath = await mkdtemp(join(tmpdir(), 'source-controller-bench-'));
  const storagePort = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      binary,
      `--kubeconfig=${options.kubeconfigPath}`,
      `--storage-path=${storagePath}`,
      `--storage-addr=127.0.0.1:${storagePort}`,
      `--storage-adv-addr=127.0.0.1:${storagePort}`,
      `--metrics-addr=${options.metricsAddress ?? '0'}`,
      '--health-addr=0',
      `--concurrent=${options.concurrent}`,
      `--log-level=${options.logLevel}`,
      '--watch-all-namespaces=false',
      '--kube-api-qps=500',
      '--kube-api-burst=1000',
    ],
    { env: { ...process.env, RUNTIME_NAMESPACE: options.namespace }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return {
    process: child,
    pid: child.pid ?? 0,
    stop: async () => {
      await stopProcess(child);
      await rm(storagePath, { recursive: true, force: true });
    },
  };
}
