// A real node beside kwok's fake one: containerd and runc from Debian, a kubelet and kube-proxy built from the same
// Kubernetes module as the control plane, and CoreDNS, so pods run from local images, reach the API server through the
// `kubernetes` Service and each other through Service names, as in any cluster.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { requireBinaries } from './binaries.ts';
import { Child } from './child-process.ts';
import { TestEnvError } from './errors.ts';
import { freePort } from './ports.ts';
import { waitUntilAnswers } from './probe.ts';
import { nodeConfigFiles, type NodeNetwork } from './real-node-config.ts';
import { nodeDir, recordTeardownFacts } from './real-node-teardown.ts';

export const REAL_NODE_NAME = 'fluxion-node-0';
const POD_SUBNET = '10.244.0.0/24';

export interface RealNode {
  readonly name: string;
  /** The address pods and the API server reach this machine by (its first non-loopback IPv4 address). */
  readonly hostIp: string;
  /** The Linux bridge its pods are attached to. */
  readonly bridge: string;
  /** Puts an image from podman's store into the node's containerd, where pods with `imagePullPolicy: Never` find it. */
  importImage(image: string): void;
  /** Deletes the node's pods and waits until kubelet has torn their sandboxes down (CNI rules and mounts with them). */
  drain(): Promise<void>;
}

export interface RealNodeOptions {
  stateDir: string;
  kubeconfigPath: string;
  hostIp: string;
  track: (child: Child) => Child;
  timeoutMs: number;
}

/** The first non-loopback IPv4 address: the API server advertises it and pods reach the host by it. */
export function detectHostIp(): string {
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (name.startsWith('cni') || name.startsWith('fluxion')) continue;
    const address = addresses?.find((entry) => entry.family === 'IPv4' && !entry.internal);
    if (address) return address.address;
  }
  throw new TestEnvError('a real node needs a non-loopback IPv4 address on this machine, and there is none');
}

export async function startRealNode(options: RealNodeOptions): Promise<RealNode> {
  const { stateDir, kubeconfigPath, hostIp, track, timeoutMs } = options;
  const bins = requireBinaries(['kubelet', 'kube-proxy', 'coredns']);
  for (const command of ['containerd', 'ctr', 'runc', 'iptables', 'podman']) requireCommand(command);
  const dir = nodeDir(stateDir);
  mkdirSync(dir, { recursive: true });
  const [kubeletPort, kubeletHealthPort, proxyHealthPort, proxyMetricsPort, dnsHealthPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const network: NodeNetwork = {
    hostIp,
    podSubnet: POD_SUBNET,
    bridge: `fluxion${process.pid % 10_000}`,
    ipamDir: join(dir, 'ipam'),
  };
  const files = nodeConfigFiles(dir, {
    network,
    kubeconfigPath,
    kubeletPort,
    kubeletHealthPort,
    proxyHealthPort,
    proxyMetricsPort,
    dnsHealthPort,
    baseRuntimeSpec: baseRuntimeSpec(),
  });
  mkdirSync(files.cniDir, { recursive: true });
  recordTeardownFacts(stateDir, { kubeProxy: bins['kube-proxy'], bridge: network.bridge });
  for (const [path, content] of Object.entries(files.contents)) writeFileSync(path, content);

  const containerd = track(
    new Child({
      name: 'containerd',
      command: 'containerd',
      args: [`--config=${files.containerdConfig}`],
      logFile: join(dir, 'containerd.log'),
    }),
  );
  await waitForSocket(files.containerdSocket, containerd, timeoutMs);
  importIntoContainerd(files.containerdSocket, ensurePauseImage(), dir);

  track(
    new Child({
      name: 'coredns',
      command: bins.coredns,
      args: ['-conf', files.corefile],
      logFile: join(dir, 'coredns.log'),
    }),
  );
  await waitUntilAnswers(`http://127.0.0.1:${dnsHealthPort}/health`, { timeoutMs });

  const kubelet = track(
    new Child({
      name: 'kubelet',
      command: bins.kubelet,
      args: [
        `--kubeconfig=${kubeconfigPath}`,
        `--config=${files.kubeletConfig}`,
        `--hostname-override=${REAL_NODE_NAME}`,
        `--node-ip=${hostIp}`,
        `--root-dir=${join(dir, 'kubelet')}`,
        `--cert-dir=${join(dir, 'kubelet-pki')}`,
      ],
      logFile: join(dir, 'kubelet.log'),
    }),
  );
  await waitUntilAnswers(`http://127.0.0.1:${kubeletHealthPort}/healthz`, { timeoutMs, child: kubelet });

  const kubeProxy = track(
    new Child({
      name: 'kube-proxy',
      command: bins['kube-proxy'],
      args: [`--config=${files.kubeProxyConfig}`, `--hostname-override=${REAL_NODE_NAME}`],
      logFile: join(dir, 'kube-proxy.log'),
    }),
  );
  await waitUntilAnswers(`http://127.0.0.1:${proxyHealthPort}/healthz`, { timeoutMs, child: kubeProxy });

  return {
    name: REAL_NODE_NAME,
    hostIp,
    bridge: network.bridge,
    importImage: (image) => importIntoContainerd(files.containerdSocket, image, dir),
    drain: () => drainNode(kubeconfigPath, files.containerdSocket),
  };
}

async function drainNode(kubeconfigPath: string, socket: string): Promise<void> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const pods = await core
    .listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${REAL_NODE_NAME}` })
    .catch(() => undefined);
  await Promise.all(
    (pods?.items ?? []).map((pod) =>
      core
        .deleteNamespacedPod({
          name: pod.metadata?.name ?? '',
          namespace: pod.metadata?.namespace ?? '',
          gracePeriodSeconds: 0,
        })
        .catch(() => undefined),
    ),
  );
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && runningSandboxes(socket) > 0)
    await new Promise((resolve) => setTimeout(resolve, 250));
}

function runningSandboxes(socket: string): number {
  try {
    return execFileSync('ctr', ['--address', socket, '-n', 'k8s.io', 'tasks', 'ls', '-q'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean).length;
  } catch {
    return 0;
  }
}

function requireCommand(command: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
  } catch {
    throw new TestEnvError(
      `a real node needs ${command} on PATH: run \`bash scripts/install-system-packages.sh\` (containerd, runc, iptables, podman from Debian)`,
    );
  }
}

async function waitForSocket(path: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) throw new TestEnvError(`containerd exited at start; see ${child.logFile}`);
    try {
      execFileSync('ctr', ['--address', path, 'version'], { stdio: 'ignore' });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new TestEnvError(`containerd did not answer on ${path} within ${timeoutMs} ms; see ${child.logFile}`);
}

/** runc's default spec without rlimits: setrlimit is refused in this kind of sandbox. */
function baseRuntimeSpec(): string {
  const spec = JSON.parse(execFileSync('ctr', ['oci', 'spec'], { encoding: 'utf8' })) as {
    process?: { rlimits?: unknown };
  };
  delete spec.process?.rlimits;
  return JSON.stringify(spec);
}

const PODMAN = ['--storage-driver', 'vfs', '--runtime', 'runc', '--cgroup-manager', 'cgroupfs'];
export const PAUSE_IMAGE = 'localhost/fluxion/pause:1';

/** podman with the settings this sandbox needs (scripts/images/podman.sh says why). */
export function podman(args: string[]): string {
  return execFileSync('podman', [...PODMAN, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The sandbox image: a static C program that pauses, made with the machine's gcc (no registry serves one here). */
function ensurePauseImage(): string {
  try {
    podman(['image', 'exists', PAUSE_IMAGE]);
    return PAUSE_IMAGE;
  } catch {
    // built below
  }
  const work = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
  writeFileSync(
    join(work, 'pause.c'),
    '#include <signal.h>\n#include <unistd.h>\nstatic void quit(int s) { (void)s; _exit(0); }\n' +
      'int main(void) { signal(SIGINT, quit); signal(SIGTERM, quit); for (;;) pause(); }\n',
  );
  execFileSync('gcc', ['-Os', '-static', '-s', '-o', join(work, 'pause'), join(work, 'pause.c')]);
  writeFileSync(
    join(work, 'Containerfile'),
    'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n',
  );
  podman(['build', '--quiet', '-t', PAUSE_IMAGE, work]);
  execFileSync('rm', ['-rf', work]);
  return PAUSE_IMAGE;
}

function importIntoContainerd(socket: string, image: string, dir: string): void {
  const archive = join(dir, 'image.tar');
  podman(['save', '--format', 'oci-archive', '-o', archive, image]);
  execFileSync(
    'ctr',
    ['--address', socket, '-n', 'k8s.io', 'images', 'import', '--base-name', image.split(':')[0] ?? image, archive],
    {
      stdio: 'ignore',
    },
  );
  execFileSync('rm', ['-f', archive]);
}
