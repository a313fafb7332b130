// The chart installs selected controllers onto a real node: their Pods run from the images `make images` built, as
// uid 65534 with a read-only root, through the chart's own args, probes, ServiceAccount token and in-cluster config,
// and do the GitOps loop from inside the cluster (artifacts fetched through the source-controller Service).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  pollUntil,
  REAL_NODE_NAME,
  StopPolling,
  startControlPlane,
  startGitHttpServer,
  type ControlPlane,
  type GitHttpServer,
} from '@fluxion/testenv';
import { CoreV1Api, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartDirectory, findHelm, runHelm } from './chart/helm-cli.ts';
import { apply, conditionOf, connect, read, type Cluster } from './support/kube.ts';

const namespace = 'flux-system';
const CONTROLLERS = ['source-controller', 'kustomize-controller'] as const;
const version =
  /^appVersion: "?([^"\n]+)"?$/m.exec(readFileSync(join(chartDirectory, 'Chart.yaml'), 'utf8'))?.[1] ?? '';
const imageOf = (controller: string) => `localhost/fluxion/${controller}:${version}`;
const valuesKey = { 'source-controller': 'sourceController', 'kustomize-controller': 'kustomizeController' } as const;

/** The chart's values for running from local images on the real node. */
function onNodeValues(): string[] {
  return CONTROLLERS.flatMap((controller) => {
    const key = valuesKey[controller];
    return [
      '--set',
      `${key}.image.repository=localhost/fluxion/${controller}`,
      '--set',
      `${key}.image.tag=${version}`,
      '--set',
      `${key}.image.pullPolicy=Never`,
      '--set',
      `${key}.nodeSelector.kubernetes\\.io/hostname=${REAL_NODE_NAME}`,
    ];
  });
}

// many/: enough objects that applying them takes a while, so the controller can be killed in the middle of it
const MANY = 400;
const manyNamespace = 'fleet-many';
const fleetRepository = {
  'apps/kustomization.yaml': 'resources:\n  - settings.yaml\n',
  'apps/settings.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: flux-system\ndata:\n  color: blue\n',
  'many/kustomization.yaml': 'resources:\n  - objects.yaml\n',
  'many/objects.yaml': [
    `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${manyNamespace}\n`,
    ...Array.from(
      { length: MANY },
      (_, index) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: item-${String(index).padStart(3, '0')}\n` +
        `  namespace: ${manyNamespace}\ndata:\n  index: "${index}"\n`,
    ),
  ].join('---\n'),
};

/** The node's process running this controller's bundle (the real node's containers run in this host's PID space). */
function nodeProcessOf(controller: string): number {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      } catch {
        return ''; // it ended while the list was read
      }
    })();
    if (cmdline.includes(`/app/dist/${controller}.mjs`)) return Number(entry);
  }
  throw new Error(`no process of ${controller} on the node (/app/dist/${controller}.mjs in no /proc/*/cmdline)`);
}

describe('the chart on a real node', () => {
  let cp: ControlPlane;
  let cluster: Cluster;
  let git: GitHttpServer;
  const helm = (...args: string[]) =>
    runHelm(findHelm(), [...args, '--kubeconfig', cp.kubeconfigPath, '--namespace', namespace]);
  const podsOf = async (controller: string) => {
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/name=${controller}` });
    return list.items.filter((pod) => !pod.metadata?.deletionTimestamp);
  };
  const available = (controller: string) =>
    pollUntil(
      `${controller} available on ${REAL_NODE_NAME}`,
      async () => {
        const deployment = await read<V1Deployment>(cluster, 'apps/v1', 'Deployment', controller, namespace);
        return deployment?.status?.availableReplicas === deployment?.spec?.replicas &&
          deployment?.status?.availableReplicas
          ? deployment
          : undefined;
      },
      180_000,
    );

  beforeAll(async () => {
    findHelm();
    cp = await startControlPlane({ node: true });
    for (const controller of CONTROLLERS) cp.realNode?.importImage(imageOf(controller));
    cluster = connect(cp.kubeconfigPath);
    git = await startGitHttpServer({ host: cp.realNode?.hostIp });
    git.repositories.create('fleet');
    git.repositories.commit('fleet', fleetRepository);
  }, 300_000);

  afterAll(async () => {
    await git?.stop();
    await cp?.stop();
  }, 120_000);

  it(
    'installs with one controller disabled: the other runs from its image on the node, Ready by its probes',
    { timeout: 300_000 },
    async () => {
      const output = await helm(
        'install',
        'fluxion',
        chartDirectory,
        '--create-namespace',
        '--set',
        'kustomizeController.enabled=false',
        ...onNodeValues(),
      );
      expect(output).toContain('STATUS: deployed');
      await available('source-controller');
      const [pod] = (await podsOf('source-controller')) as [V1Pod];
      expect(pod.spec?.nodeName).toBe(REAL_NODE_NAME);
      expect(pod.spec?.containers[0]?.image).toBe(imageOf('source-controller'));
      const exec = (...command: string[]) =>
        execFileSync(
          'kubectl',
          ['--kubeconfig', cp.kubeconfigPath, '-n', namespace, 'exec', pod.metadata?.name ?? '', '--', ...command],
          {
            encoding: 'utf8',
          },
        );
      expect(exec('id', '-u').trim()).toBe('65534');
      expect(() => exec('touch', '/app/written')).toThrow(/Read-only file system/);
    },
  );

  it(
    "fetches a repository from inside the cluster, and leaves the disabled controller's kinds alone",
    { timeout: 180_000 },
    async () => {
      await apply(cluster, [
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'GitRepository',
          metadata: { name: 'fleet', namespace },
          spec: { interval: '10m', url: git.urlOf('fleet'), ref: { branch: 'main' } },
        },
        {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: 'apps', namespace },
          spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'fleet' } },
        },
      ]);
      const repository = await pollUntil(
        'GitRepository fleet Ready',
        async () => {
          const found = await read(cluster, 'source.toolkit.fluxcd.io/v1', 'GitRepository', 'fleet', namespace);
          return conditionOf(found, 'Ready')?.status === 'True' ? found : undefined;
        },
        120_000,
      );
      const artifact = (repository as { status?: { artifact?: { url?: string } } }).status?.artifact;
      expect(artifact?.url).toMatch(
        new RegExp(`^http://source-controller\\.${namespace}\\.svc\\.cluster\\.local\\./gitrepository/`),
      );
      const kustomization = await read(cluster, 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'apps', namespace);
      expect(conditionOf(kustomization, 'Ready')).toBeUndefined();
      expect(await read(cluster, 'v1', 'ConfigMap', 'settings', namespace)).toBeUndefined();
    },
  );

  it(
    'an upgrade enabling the second controller starts it, and it applies the artifact it fetches through the Service',
    { timeout: 300_000 },
    async () => {
      await helm('upgrade', 'fluxion', chartDirectory, ...onNodeValues());
      await available('kustomize-controller');
      const ready = await pollUntil(
        'Kustomization apps Ready',
        async () => {
          const found = await read(cluster, 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'apps', namespace);
          return conditionOf(found, 'Ready')?.status === 'True' ? conditionOf(found, 'Ready') : undefined;
        },
        180_000,
      );
      expect(ready?.message).toMatch(/^Applied revision: main@sha1:[0-9a-f]{40}$/);
      const settings = await read(cluster, 'v1', 'ConfigMap', 'settings', namespace);
      expect((settings as { data?: Record<string, string> }).data?.color).toBe('blue');
    },
  );

  it(
    'a kustomize-controller Pod killed in the middle of an apply is replaced, and the new one converges: every object ' +
      'applied, the inventory complete, nothing pruned',
    { timeout: 400_000 },
    async () => {
      const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
      const applied = async () =>
        (
          await core
            .listNamespacedConfigMap({
              namespace: manyNamespace,
              labelSelector: 'kustomize.toolkit.fluxcd.io/name=many',
            })
            .catch(() => ({ items: [] }))
        ).items;
      const [killed] = (await podsOf('kustomize-controller')) as [V1Pod];
      await apply(cluster, [
        {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: 'many', namespace },
          spec: { interval: '10m', path: './many', prune: true, sourceRef: { kind: 'GitRepository', name: 'fleet' } },
        },
      ]);
      await pollUntil(
        'the apply of many/ under way',
        async () => {
          const count = (await applied()).length;
          if (count === MANY) throw new StopPolling(`all ${MANY} objects were applied before the kill could happen`);
          return count > 0 ? count : undefined;
        },
        120_000,
        50,
      );
      // SIGKILL from the node (its containers' processes are this host's), then the Pod is force-deleted: nothing of
      // the old controller runs on, and the Deployment has to bring a new Pod
      process.kill(nodeProcessOf('kustomize-controller'), 'SIGKILL');
      const atKill = await applied();
      expect(atKill.length).toBeLessThan(MANY);
      execFileSync('kubectl', [
        ...['--kubeconfig', cp.kubeconfigPath, '-n', namespace, 'delete', 'pod', killed.metadata?.name ?? ''],
        ...['--grace-period=0', '--force', '--wait=false'],
      ]);
      const replacement = await pollUntil(
        'a new kustomize-controller Pod',
        async () => (await podsOf('kustomize-controller')).find((pod) => pod.metadata?.uid !== killed.metadata?.uid),
        120_000,
      );
      expect(replacement.spec?.nodeName).toBe(REAL_NODE_NAME);
      await available('kustomize-controller');
      // the killed Pod held the leader Lease: the new one waits for it to expire, then takes over
      const ready = await pollUntil(
        'Kustomization many Ready',
        async () => {
          const found = await read(cluster, 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'many', namespace);
          return conditionOf(found, 'Ready')?.status === 'True' ? found : undefined;
        },
        240_000,
      );
      expect(conditionOf(ready, 'Ready')?.message).toMatch(/^Applied revision: main@sha1:[0-9a-f]{40}$/);
      const after = await applied();
      expect(after).toHaveLength(MANY);
      // what was applied before the kill was not deleted and created again
      const uids = new Map(after.map((item) => [item.metadata?.name, item.metadata?.uid]));
      for (const item of atKill) expect(uids.get(item.metadata?.name), item.metadata?.name).toBe(item.metadata?.uid);
      const inventory = (ready as { status?: { inventory?: { entries?: Array<{ id: string }> } } }).status?.inventory;
      const ids = (inventory?.entries ?? []).map((entry) => entry.id);
      expect(ids).toHaveLength(MANY + 1);
      expect(ids).toContain(`_${manyNamespace}__Namespace`);
      expect(ids).toContain(`${manyNamespace}_item-399__ConfigMap`);
      // the other Kustomization's object, applied before the kill, is still there and still its own
      const settings = await read(cluster, 'v1', 'ConfigMap', 'settings', namespace);
      expect((settings as { data?: Record<string, string> }).data?.color).toBe('blue');
      const apps = await read(cluster, 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'apps', namespace);
      expect(conditionOf(apps, 'Ready')?.status).toBe('True');
    },
  );

  it("uninstall removes the controllers and keeps the CRDs and users' objects", { timeout: 180_000 }, async () => {
    expect(await helm('uninstall', 'fluxion', '--wait')).toContain('release "fluxion" uninstalled');
    for (const controller of CONTROLLERS) {
      expect(await read(cluster, 'apps/v1', 'Deployment', controller, namespace)).toBeUndefined();
    }
    expect(await read(cluster, 'source.toolkit.fluxcd.io/v1', 'GitRepository', 'fleet', namespace)).toBeDefined();
    expect(await read(cluster, 'v1', 'ConfigMap', 'settings', namespace)).toBeDefined();
  });
});
