// The whole GitOps loop with every controller in its own process: the demo's story, asserted.
import { installCrds } from '@fluxion/api';
import {
  startGitHttpServer,
  useTestNamespace,
  type GitHttpServer,
  type TestNamespace,
  pollUntil,
} from '@fluxion/testenv';
import type { V1ConfigMap, V1Deployment, V1Secret } from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerProcess, type ControllerName, type ControllerProcess } from './support/controller-process.ts';
import { apply, conditionOf, connect, read, requestReconcile, type Cluster } from './support/kube.ts';
import { PLATFORM_TOKEN, sopsFleet, type SopsFleet } from './support/sops-fleet.ts';
import {
  baseKustomization,
  ENVIRONMENTS,
  fleetRepositoryFiles,
  fleetSyncObjects,
  PODINFO_IMAGE,
  prodOverlay,
  REPLICAS,
} from './support/sample-repository.ts';

const KS = 'kustomize.toolkit.fluxcd.io/v1';
const NAMES = ['infra', ...ENVIRONMENTS.map((env) => `podinfo-${env}`)];

interface KustomizationState {
  status?: {
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    inventory?: { entries?: Array<{ id: string }> };
  };
}

describe('GitOps loop, each controller its own process', () => {
  let env: TestNamespace;
  let cluster: Cluster;
  let git: GitHttpServer;
  let scratch: string;
  const controllers = new Map<ControllerName, ControllerProcess>();
  let head: string;
  let sops: SopsFleet;

  const startController = async (name: ControllerName): Promise<void> => {
    const storage = join(scratch, 'storage');
    const args =
      name === 'source-controller'
        ? [`--storage-path=${storage}`, '--storage-addr=127.0.0.1:0', '--watch-all-namespaces=false']
        : ['--watch-all-namespaces=false'];
    controllers.set(
      name,
      await startControllerProcess(name, {
        kubeconfigPath: env.kubeconfigPath,
        logFile: join(scratch, `${name}.log`),
        env: { RUNTIME_NAMESPACE: env.namespace },
        args,
      }),
    );
  };
  const kustomization = (name: string) =>
    read<KustomizationState & { metadata?: object }>(cluster, KS, 'Kustomization', name, env.namespace);
  const prodDeployment = () => read<V1Deployment>(cluster, 'apps/v1', 'Deployment', 'podinfo', 'apps-prod');
  const notifyPush = () =>
    requestReconcile(cluster, 'source.toolkit.fluxcd.io/v1', 'GitRepository', 'fleet', env.namespace);
  const allAppliedAt = (commit: string, names = NAMES) =>
    pollUntil(
      `Kustomizations ${names.join(', ')} Ready at ${commit.slice(0, 7)}`,
      async () => {
        const all = await Promise.all(names.map(kustomization));
        return all.every(
          (ks) =>
            conditionOf(ks, 'Ready')?.status === 'True' && ks?.status?.lastAppliedRevision === `main@sha1:${commit}`,
        )
          ? all
          : undefined;
      },
      120_000,
    );
  const prodImageIs = (tag: string) =>
    pollUntil(
      `podinfo:${tag} rolled out in apps-prod`,
      async () => {
        const deployment = await prodDeployment();
        const image = deployment?.spec?.template?.spec?.containers?.[0]?.image;
        return image === `${PODINFO_IMAGE}:${tag}` && deployment?.status?.readyReplicas === REPLICAS.prod
          ? deployment
          : undefined;
      },
      120_000,
    );

  beforeAll(async () => {
    env = await useTestNamespace('e2e');
    cluster = connect(env.kubeconfigPath);
    scratch = mkdtempSync(join(tmpdir(), 'fluxion-e2e-'));
    await installCrds(env.kubeConfig);
    git = await startGitHttpServer();
    git.repositories.create('fleet');
    sops = await sopsFleet();
    head = git.repositories.commit('fleet', fleetRepositoryFiles({ infraExtras: sops.infraExtras }));
    await startController('source-controller');
    await startController('kustomize-controller');
    await apply(cluster, [sops.keySecret(env.namespace)]);
    await apply(cluster, fleetSyncObjects(env.namespace, git.urlOf('fleet'), { infraSpec: sops.infraSpec }));
  });

  afterAll(async () => {
    for (const controller of controllers.values()) await controller.stop();
    await git?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('syncs infra first, then every environment, and records what it applied', async () => {
    const synced = await allAppliedAt(head);
    const prod = synced[NAMES.indexOf('podinfo-prod')];
    expect(prod?.status?.inventory?.entries?.map((entry) => entry.id).sort()).toEqual([
      expect.stringMatching(/^apps-prod_podinfo-env-[a-z0-9]{10}__ConfigMap$/),
      'apps-prod_podinfo-feature-flags__ConfigMap',
      'apps-prod_podinfo__Service',
      'apps-prod_podinfo_apps_Deployment',
    ]);
    const deployment = await prodDeployment();
    expect(deployment?.metadata?.labels?.['kustomize.toolkit.fluxcd.io/name']).toBe('podinfo-prod');
    expect(deployment?.status?.readyReplicas).toBe(REPLICAS.prod);
  });

  it('applies the age-encrypted Secret decrypted, and judges the Gauge healthy by its CEL expression', async () => {
    await allAppliedAt(head, ['infra']);
    const secret = await read<V1Secret>(cluster, 'v1', 'Secret', 'platform-credentials', 'platform');
    expect(Buffer.from(secret?.data?.['api-token'] ?? '', 'base64').toString()).toBe(PLATFORM_TOKEN);
    const infra = await kustomization('infra');
    expect(conditionOf(infra, 'Healthy')?.status).toBe('True');
    expect(infra?.status?.inventory?.entries?.map((entry) => entry.id)).toContain(
      'platform_pressure_fleet.example.com_Gauge',
    );
  });

  it('reverts a manual scale at the next reconcile', async () => {
    await cluster.objects.patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'podinfo', namespace: 'apps-prod' },
        spec: { replicas: 1 },
      },
      undefined,
      undefined,
      'kubectl-scale',
      undefined,
      'application/merge-patch+json',
    );
    expect((await prodDeployment())?.spec?.replicas).toBe(1);
    await requestReconcile(cluster, KS, 'Kustomization', 'podinfo-prod', env.namespace);
    await pollUntil('replicas back to 3', async () =>
      (await prodDeployment())?.spec?.replicas === REPLICAS.prod ? true : undefined,
    );
  });

  it('rolls out an image bump from a commit, and rolls it back on git revert', async () => {
    head = git.repositories.commit('fleet', { 'apps/podinfo/overlays/prod/kustomization.yaml': prodOverlay('6.5.1') });
    await notifyPush();
    await prodImageIs('6.5.1');
    head = git.repositories.revertLast('fleet');
    await notifyPush();
    await prodImageIs('6.5.0');
    await allAppliedAt(head);
  });

  it('prunes what was removed from git', async () => {
    head = git.repositories.commit(
      'fleet',
      { 'apps/podinfo/base/kustomization.yaml': baseKustomization(false) },
      { remove: ['apps/podinfo/base/feature-flags.yaml'] },
    );
    await notifyPush();
    await allAppliedAt(head);
    for (const environment of ENVIRONMENTS) {
      expect(
        await read<V1ConfigMap>(cluster, 'v1', 'ConfigMap', 'podinfo-feature-flags', `apps-${environment}`),
      ).toBeUndefined();
    }
  });

  it('stops at broken YAML: names the file, applies and prunes nothing, keeps the last good revision', async () => {
    const good = head;
    head = git.repositories.commit('fleet', {
      'apps/podinfo/base/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: podinfo\n spec: [\n',
    });
    await notifyPush();
    const failed = await pollUntil('podinfo-prod BuildFailed', async () => {
      const ks = await kustomization('podinfo-prod');
      const ready = conditionOf(ks, 'Ready');
      // DependencyNotReady comes first while infra applies the new revision; then the build fails.
      return ready?.reason === 'BuildFailed' ? { ks, ready } : undefined;
    });
    expect(failed.ready.status).toBe('False');
    expect(failed.ks?.status?.lastAttemptedRevision).toBe(`main@sha1:${head}`);
    expect(failed.ready.message).toContain('service.yaml');
    expect(failed.ks?.status?.lastAppliedRevision).toBe(`main@sha1:${good}`);
    expect(await read(cluster, 'v1', 'Service', 'podinfo', 'apps-prod')).toBeDefined();
    expect((await prodDeployment())?.status?.readyReplicas).toBe(REPLICAS.prod);
    // infra does not include the broken file and keeps going.
    expect(conditionOf(await kustomization('infra'), 'Ready')?.status).toBe('True');
  });

  it('converges after kustomize-controller is killed and restarted, keeping its inventory', async () => {
    head = git.repositories.commit('fleet', {
      'apps/podinfo/base/service.yaml': fleetRepositoryFiles()['apps/podinfo/base/service.yaml']!,
    });
    await controllers.get('kustomize-controller')?.stop('SIGKILL');
    await notifyPush();
    await startController('kustomize-controller');
    const synced = await allAppliedAt(head);
    expect(synced.every((ks) => (ks?.status?.inventory?.entries?.length ?? 0) > 0)).toBe(true);
  });
});
