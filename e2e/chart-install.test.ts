// `helm install`, `upgrade` and `uninstall` of charts/fluxion against a control plane of its own (it owns
// the CRDs there): toggles add and remove controllers, and uninstalling keeps the CRDs and users' objects.
import { startControlPlane, type ControlPlane } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartDirectory, findHelm, runHelm } from './chart/helm-cli.ts';
import { apply, connect, read, type Cluster } from './support/kube.ts';

const namespace = 'fluxion-system';

describe('helm install, upgrade and uninstall', () => {
  let controlPlane: ControlPlane;
  let cluster: Cluster;
  const helm = (...args: string[]) =>
    runHelm(findHelm(), [...args, '--kubeconfig', controlPlane.kubeconfigPath, '--namespace', namespace]);
  const deployment = (name: string) => read(cluster, 'apps/v1', 'Deployment', name, namespace);

  beforeAll(async () => {
    findHelm();
    controlPlane = await startControlPlane();
    cluster = connect(controlPlane.kubeconfigPath);
  });

  afterAll(async () => {
    await controlPlane?.stop();
  });

  it('installs the CRDs and both controllers, and prints where artifacts are served', async () => {
    const output = await helm('install', 'fluxion', chartDirectory, '--create-namespace', '--wait=false');
    expect(output).toContain('STATUS: deployed');
    expect(output).toContain(`Artifacts are served at http://source-controller.${namespace}.svc.cluster.local.`);
    expect(output).toMatch(/kustomize-controller: enabled/);
    expect(
      await read(
        cluster,
        'apiextensions.k8s.io/v1',
        'CustomResourceDefinition',
        'gitrepositories.source.toolkit.fluxcd.io',
      ),
    ).toBeDefined();
    expect(await deployment('source-controller')).toBeDefined();
    expect(await deployment('kustomize-controller')).toBeDefined();
  });

  it('removes a controller that an upgrade disables, and only that one', async () => {
    await helm('upgrade', 'fluxion', chartDirectory, '--set', 'kustomizeController.enabled=false');
    expect(await deployment('kustomize-controller')).toBeUndefined();
    expect(
      await read(
        cluster,
        'rbac.authorization.k8s.io/v1',
        'ClusterRoleBinding',
        `fluxion:${namespace}:kustomize-controller`,
      ),
    ).toBeUndefined();
    expect(await deployment('source-controller')).toBeDefined();
  });

  it('keeps the CRDs and the GitRepositories in them on uninstall', async () => {
    await apply(cluster, [
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'fleet', namespace },
        spec: { interval: '10m', url: 'https://example.com/fleet.git', ref: { branch: 'main' } },
      },
    ]);
    const output = await helm('uninstall', 'fluxion');
    expect(output).toContain('release "fluxion" uninstalled');
    expect(await deployment('source-controller')).toBeUndefined();
    expect(
      await read(
        cluster,
        'apiextensions.k8s.io/v1',
        'CustomResourceDefinition',
        'gitrepositories.source.toolkit.fluxcd.io',
      ),
    ).toBeDefined();
    expect(await read(cluster, 'source.toolkit.fluxcd.io/v1', 'GitRepository', 'fleet', namespace)).toBeDefined();
  });
});
