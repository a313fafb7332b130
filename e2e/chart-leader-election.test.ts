// The chart with `replicas: 2` on a real node: both Pods run, only the one holding the Lease reconciles, and
// deleting that Pod hands the Lease to another replica, which goes on reconciling.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  pollUntil,
  REAL_NODE_NAME,
  startControlPlane,
  startGitHttpServer,
  type ControlPlane,
  type GitHttpServer,
} from '@fluxion/testenv';
import { CoreV1Api, type V1Deployment, type V1Lease } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartDirectory, findHelm, runHelm } from './chart/helm-cli.ts';
import { apply, conditionOf, connect, read, requestReconcile, type Cluster } from './support/kube.ts';

const namespace = 'flux-system';
const controller = 'source-controller';
const GIT = 'source.toolkit.fluxcd.io/v1';
const version =
  /^appVersion: "?([^"\n]+)"?$/m.exec(readFileSync(join(chartDirectory, 'Chart.yaml'), 'utf8'))?.[1] ?? '';
const image = `localhost/fluxion/${controller}:${version}`;

const values = [
  '--set',
  'kustomizeController.enabled=false',
  '--set',
  'sourceController.replicas=2',
  '--set',
  `sourceController.image.repository=localhost/fluxion/${controller}`,
  '--set',
  `sourceController.image.tag=${version}`,
  '--set',
  'sourceController.image.pullPolicy=Never',
  '--set',
  `sourceController.nodeSelector.kubernetes\\.io/hostname=${REAL_NODE_NAME}`,
];

describe('the chart with two replicas on a real node', () => {
  let cp: ControlPlane;
  let cluster: Cluster;
  let git: GitHttpServer;
  const kubectl = (...args: string[]) =>
    execFileSync('kubectl', ['--kubeconfig', cp.kubeconfigPath, '-n', namespace, ...args], { encoding: 'utf8' });
  const runningPods = async () => {
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/name=${controller}` });
    return list.items
      .filter((pod) => !pod.metadata?.deletionTimestamp && pod.status?.phase === 'Running')
      .map((pod) => pod.metadata?.name ?? '');
  };
  /** The Pod whose process holds the Lease: identities are `<hostname>_<uuid>`, and a Pod's hostname is its name. */
  const leader = async () => {
    const lease = await read<V1Lease>(
      cluster,
      'coordination.k8s.io/v1',
      'Lease',
      `${controller}-leader-election`,
      namespace,
    );
    return lease?.spec?.holderIdentity?.split('_')[0] || undefined;
  };
  const artifactRevision = async () =>
    (
      (await read(cluster, GIT, 'GitRepository', 'fleet', namespace)) as
        { status?: { artifact?: { revision?: string } } } | undefined
    )?.status?.artifact?.revision;

  beforeAll(async () => {
    findHelm();
    cp = await startControlPlane({ node: true });
    cp.realNode?.importImage(image);
    cluster = connect(cp.kubeconfigPath);
    git = await startGitHttpServer({ host: cp.realNode?.hostIp });
    git.repositories.create('fleet');
    git.repositories.commit('fleet', { 'apps/settings.yaml': 'color: blue\n' });
  }, 300_000);

  afterAll(async () => {
    await git?.stop();
    await cp?.stop();
  }, 120_000);

  it('runs two Pods; only the Lease holder reconciles', { timeout: 300_000 }, async () => {
    await runHelm(findHelm(), [
      'install',
      'fluxion',
      chartDirectory,
      '--create-namespace',
      ...values,
      '--kubeconfig',
      cp.kubeconfigPath,
      '--namespace',
      namespace,
    ]);
    await pollUntil(
      `${controller} 2/2 available`,
      async () => {
        const deployment = await read<V1Deployment>(cluster, 'apps/v1', 'Deployment', controller, namespace);
        return deployment?.status?.availableReplicas === 2 ? true : undefined;
      },
      180_000,
    );
    await apply(cluster, [
      {
        apiVersion: GIT,
        kind: 'GitRepository',
        metadata: { name: 'fleet', namespace },
        spec: { interval: '10m', url: git.urlOf('fleet'), ref: { branch: 'main' } },
      },
    ]);
    await pollUntil(
      'GitRepository fleet Ready',
      async () =>
        conditionOf(await read(cluster, GIT, 'GitRepository', 'fleet', namespace), 'Ready')?.status === 'True'
          ? true
          : undefined,
      120_000,
    );

    const pods = await runningPods();
    expect(pods).toHaveLength(2);
    const holder = await leader();
    expect(pods).toContain(holder);
    const follower = pods.find((pod) => pod !== holder) ?? '';
    expect(kubectl('logs', holder ?? '')).toContain('Stored a new artifact');
    const followerLog = kubectl('logs', follower);
    expect(followerLog).toContain('Leader lease is held by another process, waiting');
    expect(followerLog).not.toContain('Stored a new artifact');
  });

  it('deleting the leader Pod hands the Lease over, and reconciling goes on', { timeout: 300_000 }, async () => {
    const holder = (await leader()) ?? '';
    const before = await artifactRevision();
    kubectl('delete', 'pod', holder, '--wait=false');
    const next = await pollUntil(
      'a new Lease holder',
      async () => {
        const current = await leader();
        return current && current !== holder ? current : undefined;
      },
      120_000,
    );
    expect(await runningPods()).toContain(next);

    const commit = git.repositories.commit('fleet', { 'apps/settings.yaml': 'color: green\n' });
    await requestReconcile(cluster, GIT, 'GitRepository', 'fleet', namespace);
    const revision = await pollUntil(
      'the new commit fetched by the new leader',
      async () => {
        const current = await artifactRevision();
        return current && current !== before ? current : undefined;
      },
      120_000,
    );
    expect(revision).toBe(`main@sha1:${commit}`);
    expect(kubectl('logs', next)).toContain('Stored a new artifact');
  });
});
