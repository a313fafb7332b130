// `make demo`: the main job, narrated. A real control plane, a git server holding a fleet repository,
// source-controller and kustomize-controller as their own processes, and the GitOps loop at work.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitRepositories, pollUntil, startWebhookSink } from '@fluxion/testenv';
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { startControllerProcess } from '../e2e/support/controller-process.ts';
import { apply, conditionOf, connect, read, requestReconcile, type Cluster } from '../e2e/support/kube.ts';
import {
  baseKustomization,
  ENVIRONMENTS,
  fleetRepositoryFiles,
  fleetSyncObjects,
  PODINFO_IMAGE,
  prodOverlay,
  REPLICAS,
} from '../e2e/support/sample-repository.ts';
import { PLATFORM_TOKEN, sopsFleet } from '../e2e/support/sops-fleet.ts';
import { stopDemo } from './demo-down.ts';

const root = join(import.meta.dirname, '..');
const stateDir = join(root, '.fluxion');
const kubeconfigPath = join(stateDir, 'kubeconfig');
const NAMESPACE = 'flux-system';
const SOURCE_API = 'source.toolkit.fluxcd.io/v1';
const KUSTOMIZE_API = 'kustomize.toolkit.fluxcd.io/v1';
const started = performance.now();

const step = (n: number, text: string): void => console.log(`\n[${n}/8] ${text}`);
const info = (text: string): void => console.log(`      ${text}`);
const since = (from: number): string => `${((performance.now() - from) / 1000).toFixed(1)} s`;

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const from = performance.now();
  const value = await work();
  info(`${label} in ${since(from)}`);
  return value;
}

console.log('Fluxion demo: GitOps with a real control plane, a real git server and real controllers');

// 1. A clean slate: whatever an earlier demo left is stopped first.
step(1, 'control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok with one fake node)');
await stopDemo({ quiet: true });
const up = spawnSync(process.execPath, [join(root, 'packages/testenv/bin/cluster'), 'up', '--dir', stateDir], {
  stdio: 'inherit',
});
if (up.status !== 0) process.exit(1);
const cluster = connect(kubeconfigPath);

// 2. The fleet repository on a git server that outlives this script.
step(2, 'git server with the fleet repository');
const repositories = new GitRepositories(join(stateDir, 'git'));
repositories.create('fleet');
// infra holds an age-encrypted Secret (encrypted by the real sops CLI) and a custom resource judged by CEL
const sops = await sopsFleet();
let head = repositories.commit('fleet', fleetRepositoryFiles({ infraExtras: sops.infraExtras }), {
  message: 'fleet: infra and podinfo for dev, staging, prod',
});
const gitState = join(stateDir, 'git-server.json');
const gitLog = openSync(join(stateDir, 'git-server.log'), 'a');
spawn(process.execPath, [join(root, 'e2e/support/git-server-daemon.ts'), repositories.root, gitState], {
  detached: true,
  stdio: ['ignore', gitLog, gitLog],
}).unref();
const gitServer = await pollUntil('git server', async () =>
  existsSync(gitState) ? (JSON.parse(readFileSync(gitState, 'utf8')) as { pid: number; url: string }) : undefined,
);
const gitUrl = `${gitServer.url}/fleet.git`;
info(`${gitUrl} at ${head.slice(0, 7)}: infra/, apps/podinfo/base, apps/podinfo/overlays/{dev,staging,prod}`);

// 3. The controllers, each its own process, as a cluster would run them.
step(3, 'source-, kustomize- and notification-controller, each in its own process');
await apply(cluster, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }]);
execFileSync(process.execPath, [join(root, 'packages/api/scripts/install-crds.ts'), kubeconfigPath], {
  stdio: 'inherit',
});
const logs = join(stateDir, 'logs');
mkdirSync(logs, { recursive: true });
const storagePort = 9090 + Math.floor(Math.random() * 500);
const source = await startControllerProcess('source-controller', {
  kubeconfigPath,
  logFile: join(logs, 'source-controller.log'),
  detached: true,
  args: [
    `--storage-path=${join(stateDir, 'storage')}`,
    `--storage-addr=127.0.0.1:${storagePort}`,
    `--storage-adv-addr=127.0.0.1:${storagePort}`,
  ],
});
const kustomize = await startControllerProcess('kustomize-controller', {
  kubeconfigPath,
  logFile: join(logs, 'kustomize-controller.log'),
  detached: true,
});
const receiverPort = storagePort + 500;
const notification = await startControllerProcess('notification-controller', {
  kubeconfigPath,
  logFile: join(logs, 'notification-controller.log'),
  detached: true,
  args: ['--events-addr=127.0.0.1:0', `--receiverAddr=127.0.0.1:${receiverPort}`],
});
const pids = [source.pid, kustomize.pid, notification.pid, gitServer.pid];
writeFileSync(join(stateDir, 'demo.json'), JSON.stringify({ pids }));
info(
  `source-controller pid ${source.pid}, kustomize-controller pid ${kustomize.pid}, notification-controller pid ${notification.pid}`,
);
info(`logs in ${logs}`);
// A Slack-format sink stands in for a Slack channel; a Receiver stands in for the git host's push webhook.
const slack = await startWebhookSink();
await apply(cluster, notificationObjects(NAMESPACE, slack.url));
const hookPath = await pollUntil('Receiver fleet-push Ready', async () => {
  const receiver = await read<KubernetesObject & { status?: { webhookPath?: string } }>(
    cluster,
    'notification.toolkit.fluxcd.io/v1',
    'Receiver',
    'fleet-push',
    NAMESPACE,
  );
  return conditionOf(receiver, 'Ready')?.status === 'True' ? receiver?.status?.webhookPath : undefined;
});
const receiverUrl = `http://127.0.0.1:${receiverPort}${hookPath}`;
info(`alerts go to a Slack-format webhook at ${slack.url}; the git host's push webhook is ${receiverUrl}`);
let alertsShown = 0;
/** Prints the Slack messages that arrived since the last call, once the expected text is among them. */
const showAlerts = async (waitFor: RegExp): Promise<void> => {
  await slack.waitFor((request) => waitFor.test(request.body), 30_000).catch(() => undefined);
  for (const request of slack.requests.slice(alertsShown)) {
    const attachment = (JSON.parse(request.body) as { attachments?: SlackAttachment[] }).attachments?.[0];
    const text = (attachment?.text ?? '').split('\n')[0] ?? '';
    info(`slack <- [${attachment?.color === 'danger' ? 'error' : 'info'}] ${attachment?.author_name ?? '?'}: ${text}`);
  }
  alertsShown = slack.requests.length;
};

// 4. The first sync.
step(4, 'first sync: one GitRepository, infra, and podinfo in dev, staging and prod (which depend on infra)');
const firstSync = performance.now();
await apply(cluster, [sops.keySecret(NAMESPACE)]);
await apply(cluster, fleetSyncObjects(NAMESPACE, gitUrl, { infraSpec: sops.infraSpec }));
await waitForRevision(cluster, head, 'all Kustomizations Ready at the first commit');
info(`first sync done in ${since(firstSync)}`);
await showAlerts(/kustomization\/podinfo-prod/);
const credentials = await read<KubernetesObject & { data?: Record<string, string> }>(
  cluster,
  'v1',
  'Secret',
  'platform-credentials',
  'platform',
);
const decrypted = Buffer.from(credentials?.data?.['api-token'] ?? '', 'base64').toString() === PLATFORM_TOKEN;
info(
  `infra/platform-credentials.yaml is SOPS-encrypted in git (age): applied ${decrypted ? 'decrypted' : 'NOT decrypted'}`,
);
const infra = await read<KubernetesObject & { status?: KustomizationStatus }>(
  cluster,
  KUSTOMIZE_API,
  'Kustomization',
  'infra',
  NAMESPACE,
);
info(
  `Gauge platform/pressure judged by CEL (status.phase == 'Calibrated'): Healthy=${conditionOf(infra, 'Healthy')?.status ?? 'unknown'}`,
);

// 5. Drift: a person scales prod by hand; the next reconcile puts it back.
step(5, `drift: kubectl scale deployment/podinfo -n apps-prod --replicas=1 (git says ${REPLICAS.prod})`);
execFileSync(
  'kubectl',
  ['--kubeconfig', kubeconfigPath, 'scale', 'deployment/podinfo', '-n', 'apps-prod', '--replicas=1'],
  {
    stdio: 'ignore',
  },
);
info(`scaled by hand; asking for a reconcile as 'flux reconcile kustomization podinfo-prod' does`);
await requestReconcile(cluster, KUSTOMIZE_API, 'Kustomization', 'podinfo-prod', NAMESPACE);
await timed(`drift reverted to ${REPLICAS.prod} replicas`, () =>
  pollUntil('replicas restored', async () =>
    (await deployment(cluster, 'apps-prod'))?.spec?.replicas === REPLICAS.prod ? true : undefined,
  ),
);

// 6. An image bump by commit, rolled out; then a git revert rolls it back.
step(6, 'image tag bumped by a commit: podinfo 6.5.0 -> 6.5.1 in prod');
head = repositories.commit(
  'fleet',
  { 'apps/podinfo/overlays/prod/kustomization.yaml': prodOverlay('6.5.1') },
  { message: 'prod: podinfo 6.5.1' },
);
await notifyPush();
await timed(`6.5.1 rolled out in apps-prod (${head.slice(0, 7)})`, () => waitForImage(cluster, '6.5.1'));
await showAlerts(new RegExp(head.slice(0, 12)));
head = repositories.revertLast('fleet');
info(`git revert pushed (${head.slice(0, 7)})`);
await notifyPush();
await timed('rolled back to 6.5.0', () => waitForImage(cluster, '6.5.0'));
await showAlerts(new RegExp(head.slice(0, 12)));

// 7. A file removed from git is pruned from the cluster.
step(7, 'apps/podinfo/base/feature-flags.yaml removed from git');
head = repositories.commit(
  'fleet',
  { 'apps/podinfo/base/kustomization.yaml': baseKustomization(false) },
  { remove: ['apps/podinfo/base/feature-flags.yaml'], message: 'podinfo: drop the feature flags ConfigMap' },
);
await notifyPush();
await timed('ConfigMap podinfo-feature-flags pruned from apps-dev, apps-staging and apps-prod', () =>
  pollUntil('feature flags pruned', async () => {
    const left = await Promise.all(
      ENVIRONMENTS.map((env) => read(cluster, 'v1', 'ConfigMap', 'podinfo-feature-flags', `apps-${env}`)),
    );
    return left.every((object) => object === undefined) ? true : undefined;
  }),
);
await waitForRevision(cluster, head, 'all Kustomizations at the last commit');

// 8. Where things stand.
step(8, 'summary');
await printTable(cluster);
console.log(`\nDemo done in ${since(started)}. The cluster keeps running, with the controllers and the git server:`);
console.log(`  kubectl --kubeconfig ${kubeconfigPath} get gitrepositories,kustomizations -A`);
console.log(`  logs: ${logs}`);
console.log('  make demo-down   stops everything');
process.exit(0);

async function deployment(cluster: Cluster, namespace: string): Promise<V1Deployment | undefined> {
  return read<V1Deployment>(cluster, 'apps/v1', 'Deployment', 'podinfo', namespace);
}

/** The git host's push webhook, sent to the Receiver: it asks source-controller to fetch now. */
async function notifyPush(): Promise<void> {
  const answer = await fetch(receiverUrl, { method: 'POST', body: '{}' });
  if (!answer.ok) throw new Error(`the Receiver answered ${answer.status}: ${await answer.text()}`);
}

interface SlackAttachment {
  color?: string;
  author_name?: string;
  text?: string;
}

/** A Slack Provider and an Alert for every source and Kustomization, and a generic Receiver for pushes. */
function notificationObjects(namespace: string, slackUrl: string): object[] {
  const v1beta3 = 'notification.toolkit.fluxcd.io/v1beta3';
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'slack-webhook', namespace },
      stringData: { address: slackUrl },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'push-token', namespace },
      stringData: { token: 'demo-token' },
    },
    {
      apiVersion: v1beta3,
      kind: 'Provider',
      metadata: { name: 'slack', namespace },
      spec: { type: 'slack', channel: 'deploys', secretRef: { name: 'slack-webhook' } },
    },
    {
      apiVersion: v1beta3,
      kind: 'Alert',
      metadata: { name: 'deploys', namespace },
      spec: {
        providerRef: { name: 'slack' },
        eventSources: [{ kind: 'Kustomization', name: '*' }],
      },
    },
    {
      apiVersion: 'notification.toolkit.fluxcd.io/v1',
      kind: 'Receiver',
      metadata: { name: 'fleet-push', namespace },
      spec: {
        type: 'generic',
        secretRef: { name: 'push-token' },
        resources: [{ kind: 'GitRepository', name: 'fleet' }],
      },
    },
  ];
}

async function waitForImage(cluster: Cluster, tag: string): Promise<void> {
  await pollUntil(
    `podinfo:${tag} rolled out in apps-prod`,
    async () => {
      const current = await deployment(cluster, 'apps-prod');
      const image = current?.spec?.template?.spec?.containers?.[0]?.image;
      const rolledOut =
        current?.status?.updatedReplicas === REPLICAS.prod && current.status.readyReplicas === REPLICAS.prod;
      return image === `${PODINFO_IMAGE}:${tag}` &&
        rolledOut &&
        current?.status?.observedGeneration === current?.metadata?.generation
        ? true
        : undefined;
    },
    120_000,
  );
}

async function waitForRevision(cluster: Cluster, commit: string, what: string): Promise<void> {
  const names = ['infra', ...ENVIRONMENTS.map((env) => `podinfo-${env}`)];
  await pollUntil(
    what,
    async () => {
      const all = await Promise.all(
        names.map((name) => read(cluster, KUSTOMIZE_API, 'Kustomization', name, NAMESPACE)),
      );
      const done = all.every((ks) => {
        const ready = conditionOf(ks, 'Ready');
        const applied = (ks as { status?: { lastAppliedRevision?: string } } | undefined)?.status?.lastAppliedRevision;
        return ready?.status === 'True' && applied?.endsWith(commit);
      });
      return done ? true : undefined;
    },
    180_000,
    250,
  ).catch(async (error: Error) => {
    await printTable(cluster);
    throw error;
  });
}

async function printTable(cluster: Cluster): Promise<void> {
  const source = await read(cluster, SOURCE_API, 'GitRepository', 'fleet', NAMESPACE);
  const artifact = (source as { status?: { artifact?: { revision?: string; size?: number } } } | undefined)?.status
    ?.artifact;
  console.log(
    `  GitRepository fleet: Ready=${conditionOf(source, 'Ready')?.status ?? 'Unknown'}, artifact ${shortRevision(artifact?.revision ?? '-')} (${artifact?.size ?? 0} bytes)\n`,
  );
  const names = ['infra', ...ENVIRONMENTS.map((env) => `podinfo-${env}`)];
  const rows = await Promise.all(
    names.map(async (name) => {
      const ks = await read<KubernetesObject & { status?: KustomizationStatus }>(
        cluster,
        KUSTOMIZE_API,
        'Kustomization',
        name,
        NAMESPACE,
      );
      const ready = conditionOf(ks, 'Ready');
      const lastApplied = ks?.status?.history?.[0]?.lastReconciled ?? '';
      return [
        name,
        shortRevision(ks?.status?.lastAppliedRevision ?? '-'),
        ready?.status ?? 'Unknown',
        String(ks?.status?.inventory?.entries?.length ?? 0),
        lastApplied ? new Date(lastApplied).toISOString().slice(11, 19) : '-',
        ready?.status === 'True' ? '' : (ready?.message ?? '').slice(0, 60),
      ];
    }),
  );
  const header = ['KUSTOMIZATION', 'REVISION', 'READY', 'OBJECTS', 'LAST APPLIED', 'MESSAGE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows]) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`);
}

interface KustomizationStatus {
  lastAppliedRevision?: string;
  inventory?: { entries?: unknown[] };
  history?: Array<{ lastReconciled?: string }>;
}

function shortRevision(revision: string): string {
  return revision.replace(/sha1:([0-9a-f]{7})[0-9a-f]+/, 'sha1:$1');
}
