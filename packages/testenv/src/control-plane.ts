// A real Kubernetes control plane: etcd and kube-apiserver, and in full mode the controller
// manager, the scheduler and kwok with one fake node, so Deployments roll out without a runtime.
import { KubeConfig } from '@kubernetes/client-node';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildCacheDir, requireBinaries, type BinaryName } from './binaries.ts';
import { Child } from './child-process.ts';
import { TestEnvError } from './errors.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { startFakeNode } from './fake-node.ts';
import { freePort } from './ports.ts';
import { detectHostIp, startRealNode, type RealNode } from './real-node.ts';
import { tearDownRealNode } from './real-node-teardown.ts';
import { waitUntilAnswers } from './probe.ts';
import { cleanStaleState, createStateDir, recordOwner } from './state-dir.ts';

export interface ControlPlaneOptions {
  /** Also run kube-controller-manager, kube-scheduler and kwok, so workloads become Ready. */
  full?: boolean;
  /**
   * Also join a real node (containerd, kubelet, kube-proxy, CoreDNS) that runs pods from local images; implies
   * `full`. Pods land on it only when they ask for it (`nodeSelector: kubernetes.io/hostname: fluxion-node-0`).
   */
  node?: boolean;
  /** Where the admin kubeconfig is written (besides the state dir). */
  kubeconfigPath?: string;
  /** How long each component may take to answer. */
  startTimeoutMs?: number;
  /** More kube-apiserver flags, after the defaults (a benchmark's audit log: `--audit-policy-file`, `--audit-log-path`). */
  extraApiServerArgs?: readonly string[];
}

export interface ControlPlane {
  readonly server: string;
  readonly kubeconfigPath: string;
  readonly stateDir: string;
  readonly full: boolean;
  /** The real node, when started with `node: true`. */
  readonly realNode?: RealNode;
  kubeConfig(): KubeConfig;
  stopApiServer(): Promise<void>;
  startApiServer(): Promise<void>;
  restartApiServer(): Promise<void>;
  stop(): Promise<void>;
}

const CORE: readonly BinaryName[] = ['etcd', 'kube-apiserver'];
const FULL: readonly BinaryName[] = [...CORE, 'kube-controller-manager', 'kube-scheduler', 'kwok'];

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const withNode = options.node ?? false;
  const full = (options.full ?? false) || withNode;
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const bins = requireBinaries(full ? FULL : CORE);
  cleanStaleState();
  const stateDir = createStateDir('cp');
  const children: Child[] = [];
  const track = (child: Child): Child => {
    children.push(child);
    recordOwner(
      stateDir,
      children.map((c) => c.pid ?? 0).filter((pid) => pid > 0),
    );
    return child;
  };
  const killAll = (): void => {
    children.forEach((child) => child.killNow());
    tearDownRealNode(stateDir);
  };
  process.once('exit', killAll);

  try {
    const token = randomBytes(24).toString('hex');
    const [etcdPort, etcdPeerPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    // A real node's pods reach the API server through the `kubernetes` Service, so it advertises the machine's
    // address, and its self-signed certificate names that address (and the Service IP), not 127.0.0.1.
    const hostIp = withNode ? detectHostIp() : '127.0.0.1';
    const server = `https://${hostIp}:${apiPort}`;
    const certDir = join(stateDir, 'pki');
    mkdirSync(certDir, { recursive: true });
    writeServiceAccountKey(certDir);
    // A static token in system:masters: admin rights without a client-certificate dance.
    writeFileSync(join(certDir, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });

    const etcd = track(
      new Child({
        name: 'etcd',
        command: bins.etcd,
        logFile: join(stateDir, 'etcd.log'),
        args: [
          `--data-dir=${join(stateDir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
          `--initial-cluster=default=http://127.0.0.1:${etcdPeerPort}`,
          '--unsafe-no-fsync=true',
          '--log-level=warn',
        ],
      }),
    );
    await waitUntilAnswers(`${etcdUrl}/health`, { timeoutMs, child: etcd });

    const apiServerArgs = [
      `--etcd-servers=${etcdUrl}`,
      `--cert-dir=${certDir}`,
      `--secure-port=${apiPort}`,
      `--bind-address=${withNode ? '0.0.0.0' : '127.0.0.1'}`,
      `--advertise-address=${hostIp}`,
      // Room for benchmarks with a thousand Services.
      '--service-cluster-ip-range=10.96.0.0/16',
      `--token-auth-file=${join(certDir, 'tokens.csv')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(certDir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(certDir, 'sa.key')}`,
      '--authorization-mode=RBAC',
      '--allow-privileged=true',
      // No controller creates default ServiceAccounts unless the controller manager runs.
      ...(full ? [] : ['--disable-admission-plugins=ServiceAccount']),
      ...(withNode ? ['--kubelet-preferred-address-types=InternalIP'] : ['--endpoint-reconciler-type=none']),
      '--enable-priority-and-fairness=false',
      ...(options.extraApiServerArgs ?? []),
    ];
    let apiServer = track(newApiServer(bins['kube-apiserver'], apiServerArgs, stateDir));
    const readyz = { headers: { authorization: `Bearer ${token}` }, timeoutMs };
    await waitUntilAnswers(`${server}/readyz`, { ...readyz, child: apiServer });

    // The API server signs its serving certificate with a CA it generates; the bundle verifies it.
    const caData = readFileSync(join(certDir, 'apiserver.crt'), 'utf8');
    const kubeconfigPath = join(stateDir, 'kubeconfig');
    writeKubeconfig(kubeconfigPath, { server, caData, token });
    if (options.kubeconfigPath) {
      mkdirSync(dirname(options.kubeconfigPath), { recursive: true });
      writeKubeconfig(options.kubeconfigPath, { server, caData, token });
    }

    if (full) {
      await startWorkloadControllers(bins, stateDir, kubeconfigPath, certDir, track, timeoutMs);
      await startFakeNode(kubeconfigPath, timeoutMs);
    }
    const realNode = withNode ? await startRealNode({ stateDir, kubeconfigPath, hostIp, track, timeoutMs }) : undefined;

    const kubeConfig = (): KubeConfig => {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath);
      return kc;
    };
    const stopApiServer = async (): Promise<void> => apiServer.stop();
    const startApiServer = async (): Promise<void> => {
      if (apiServer.running) return;
      apiServer = track(newApiServer(bins['kube-apiserver'], apiServerArgs, stateDir));
      await waitUntilAnswers(`${server}/readyz`, { ...readyz, child: apiServer });
    };
    return {
      server,
      kubeconfigPath: options.kubeconfigPath ?? kubeconfigPath,
      stateDir,
      full,
      realNode,
      kubeConfig,
      stopApiServer,
      startApiServer,
      restartApiServer: async () => {
        await stopApiServer();
        await startApiServer();
      },
      stop: async () => {
        await realNode?.drain();
        // Reverse order: clients of the API server first, etcd last.
        for (const child of [...children].reverse()) await child.stop();
        process.removeListener('exit', killAll);
        tearDownRealNode(stateDir);
        rmSync(stateDir, { recursive: true, force: true });
        if (options.kubeconfigPath && existsSync(options.kubeconfigPath)) rmSync(options.kubeconfigPath);
      },
    };
  } catch (error) {
    killAll();
    await Promise.all(children.map((child) => child.exited));
    process.removeListener('exit', killAll);
    if (error instanceof TestEnvError) {
      // Keep the logs of a failed start where the message points.
      throw error;
    }
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
}

function newApiServer(command: string, args: string[], stateDir: string): Child {
  return new Child({ name: 'kube-apiserver', command, args, logFile: join(stateDir, 'kube-apiserver.log') });
}

function writeServiceAccountKey(certDir: string): void {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(certDir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(certDir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
}

async function startWorkloadControllers(
  bins: Record<BinaryName, string>,
  stateDir: string,
  kubeconfigPath: string,
  certDir: string,
  track: (child: Child) => Child,
  timeoutMs: number,
): Promise<void> {
  const [kcmPort, schedulerPort, kwokPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const controllerManager = track(
    new Child({
      name: 'kube-controller-manager',
      command: bins['kube-controller-manager'],
      logFile: join(stateDir, 'kube-controller-manager.log'),
      args: [
        `--kubeconfig=${kubeconfigPath}`,
        '--leader-elect=false',
        `--secure-port=${kcmPort}`,
        '--bind-address=127.0.0.1',
        `--service-account-private-key-file=${join(certDir, 'sa.key')}`,
        `--root-ca-file=${join(certDir, 'apiserver.crt')}`,
        '--use-service-account-credentials=false',
        // Node IPAM and cloud routes need a real network; everything workloads need stays on.
        '--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller',
        '--concurrent-deployment-syncs=10',
        // The default 20 QPS made 1,000 Deployments take ~200 s to become Available on their own.
        '--kube-api-qps=300',
        '--kube-api-burst=600',
      ],
    }),
  );
  const scheduler = track(
    new Child({
      name: 'kube-scheduler',
      command: bins['kube-scheduler'],
      logFile: join(stateDir, 'kube-scheduler.log'),
      args: [
        `--kubeconfig=${kubeconfigPath}`,
        `--authentication-kubeconfig=${kubeconfigPath}`,
        `--authorization-kubeconfig=${kubeconfigPath}`,
        '--leader-elect=false',
        `--secure-port=${schedulerPort}`,
        '--bind-address=127.0.0.1',
      ],
    }),
  );
  const kwok = track(
    new Child({
      name: 'kwok',
      command: bins.kwok,
      logFile: join(stateDir, 'kwok.log'),
      args: [
        `--kubeconfig=${kubeconfigPath}`,
        `--config=${kwokStagesFile(bins.kwok)}`,
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        `--server-address=127.0.0.1:${kwokPort}`,
        '--node-ip=127.0.0.1',
        '--cidr=10.244.0.1/16', // pod IPs for thousands of pods
      ],
    }),
  );
  await Promise.all([
    waitUntilAnswers(`https://127.0.0.1:${kcmPort}/healthz`, { timeoutMs, child: controllerManager }),
    waitUntilAnswers(`https://127.0.0.1:${schedulerPort}/healthz`, { timeoutMs, child: scheduler }),
    waitUntilAnswers(`http://127.0.0.1:${kwokPort}/healthz`, { timeoutMs, child: kwok }),
  ]);
}

/** kwok's own node and pod lifecycle stages, collected beside the binary by the build script. */
function kwokStagesFile(kwokBinary: string): string {
  const candidates = [
    process.env.FLUXION_KWOK_STAGES ?? '',
    join(dirname(kwokBinary), 'kwok-stages.yaml'),
    join(buildCacheDir(), 'kwok-stages.yaml'),
  ];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) {
    throw new TestEnvError(
      `kwok needs Stage objects: no kwok-stages.yaml beside ${kwokBinary}. Run packages/testenv/scripts/build-kube-binaries.sh, or set FLUXION_KWOK_STAGES to a file of kwok Stage objects.`,
    );
  }
  return found;
}
