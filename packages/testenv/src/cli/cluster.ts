// `cluster up|down|status`: a control plane in the background for people (make cluster, the demo).
import { spawn } from 'node:child_process';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane } from '../control-plane.ts';
import { podman } from '../real-node.ts';
import { tail } from '../child-process.ts';
import { isProcessAlive } from '../state-dir.ts';

interface ClusterRecord {
  pid: number;
  server: string;
  kubeconfig: string;
  stateDir: string;
  full: boolean;
  /** A real node (containerd, kubelet, kube-proxy, CoreDNS) joined, with these images imported into it. */
  node?: { name: string; hostIp: string; images: string[]; importedInMs: number };
  /** With a real node: until its Node object is Ready (the kubelet registers a moment after answering /healthz). */
  nodeReadyInMs?: number;
  startedInMs: number;
}

const [command = 'status', ...rest] = process.argv.slice(2);
const dir = resolve(valueOf('--dir') ?? '.fluxion');
const withNode = rest.includes('--node');
const importImages = !rest.includes('--no-images');
const full = !rest.includes('--core-only') || withNode;
const recordFile = join(dir, 'cluster.json');
const logFile = join(dir, 'cluster.log');
const kubeconfig = join(dir, 'kubeconfig');

function valueOf(flag: string): string | undefined {
  const index = rest.indexOf(flag);
  return index >= 0 ? rest[index + 1] : undefined;
}

function readRecord(): ClusterRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as ClusterRecord;
    process.kill(record.pid, 0);
    return record;
  } catch {
    return undefined;
  }
}

async function up(): Promise<void> {
  const running = readRecord();
  if (running) {
    console.log(`control plane already running at ${running.server}\nkubeconfig: ${running.kubeconfig}`);
    return;
  }
  mkdirSync(dir, { recursive: true });
  rmSync(recordFile, { force: true });
  const out = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      'serve',
      '--dir',
      dir,
      ...(full ? [] : ['--core-only']),
      ...(withNode ? ['--node'] : []),
      ...(importImages ? [] : ['--no-images']),
    ],
    {
      detached: true,
      stdio: ['ignore', out, out],
    },
  );
  child.unref();
  const parts = withNode
    ? ' (etcd, kube-apiserver, controller-manager, scheduler, kwok, and a real node)'
    : full
      ? ' (etcd, kube-apiserver, controller-manager, scheduler, kwok)'
      : '';
  process.stdout.write(`starting control plane${parts} `);
  const deadline = Date.now() + (withNode ? 300_000 : 120_000);
  while (Date.now() < deadline) {
    const record = readRecord();
    if (record) {
      const nodeReady = record.nodeReadyInMs ? `, node Ready in ${(record.nodeReadyInMs / 1000).toFixed(1)} s` : '';
      console.log(`\nready in ${(record.startedInMs / 1000).toFixed(1)} s${nodeReady} at ${record.server}`);
      if (record.node) {
        console.log(
          `real node ${record.node.name} at ${record.node.hostIp}; pods land on it with nodeSelector kubernetes.io/hostname: ${record.node.name}`,
        );
        const images =
          record.node.images.length > 0 ? record.node.images.join(', ') : 'none (build them with `make images`)';
        console.log(`images imported into its containerd (imagePullPolicy: Never finds them): ${images}`);
      }
      console.log(`kubeconfig: ${record.kubeconfig}\ntry: kubectl --kubeconfig ${record.kubeconfig} get --raw /readyz`);
      return;
    }
    if (child.exitCode !== null || !isAlive(child.pid)) break;
    process.stdout.write('.');
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error(`\ncontrol plane failed to start; last lines of ${logFile}:\n${tail(logFile, 20)}`);
  process.exit(1);
}

async function serve(): Promise<void> {
  const started = Date.now();
  const controlPlane = await startControlPlane({
    full,
    node: withNode,
    kubeconfigPath: kubeconfig,
    startTimeoutMs: 180_000,
  });
  const startedInMs = Date.now() - started;
  let node: ClusterRecord['node'];
  let nodeReadyInMs: number | undefined;
  if (controlPlane.realNode) {
    await waitForNodeReady(controlPlane.kubeConfig(), controlPlane.realNode.name);
    nodeReadyInMs = Date.now() - started;
    const importing = Date.now();
    const images = importImages ? controllerImages() : [];
    for (const image of images) controlPlane.realNode.importImage(image);
    node = {
      name: controlPlane.realNode.name,
      hostIp: controlPlane.realNode.hostIp,
      images,
      importedInMs: Date.now() - importing,
    };
  }
  const record: ClusterRecord = {
    pid: process.pid,
    server: controlPlane.server,
    kubeconfig,
    stateDir: controlPlane.stateDir,
    full,
    ...(node ? { node } : {}),
    startedInMs,
    ...(nodeReadyInMs ? { nodeReadyInMs } : {}),
  };
  writeFileSync(recordFile, JSON.stringify(record, null, 2));
  console.log(`ready: ${JSON.stringify(record)}`);
  const shutdown = async (): Promise<void> => {
    await controlPlane.stop();
    rmSync(recordFile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  setInterval(() => undefined, 1 << 30); // keep the event loop alive until a signal
}

async function down(): Promise<void> {
  const record = readRecord();
  if (!record) {
    console.log('no control plane running');
  } else {
    process.kill(record.pid, 'SIGTERM');
    const deadline = Date.now() + 20_000;
    while (isAlive(record.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
    console.log('control plane stopped');
  }
  rmSync(dir, { recursive: true, force: true });
}

async function waitForNodeReady(kubeConfig: KubeConfig, name: string): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const node = await core.readNode({ name }).catch(() => undefined);
    if (node?.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True'))
      return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`node ${name} did not become Ready within 120 s; see the kubelet log in the state directory`);
}

/** The controller images `make images` built (podman's store), for the real node's containerd. */
function controllerImages(): string[] {
  try {
    const listed = podman(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    return [...new Set(listed.split('\n').filter((image) => /^localhost\/fluxion\/[a-z-]+-controller:/.test(image)))];
  } catch {
    return [];
  }
}

function isAlive(pid: number | undefined): boolean {
  return pid !== undefined && isProcessAlive(pid);
}

function status(): void {
  const record = readRecord();
  console.log(
    record
      ? `running at ${record.server} (pid ${record.pid}), kubeconfig ${record.kubeconfig}`
      : 'no control plane running',
  );
  if (!record && existsSync(logFile)) console.log(`last log: ${logFile}`);
}

const commands: Record<string, () => Promise<void> | void> = { up, serve, down, status };
const run = commands[command];
if (!run) {
  console.error(`usage: cluster up|down|status [--dir DIR] [--core-only | --node [--no-images]]`);
  process.exit(2);
}
await run();
