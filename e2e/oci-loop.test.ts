// Manifests shipped as an OCI artifact, with source-controller and kustomize-controller each in its own process:
// push to the registry → applied; push a new tag within the semver range → rolled out; a bad tag keeps the last one.
import { installCrds } from '@fluxion/api';
import { RegistryClient } from '@fluxion/runtime';
import {
  pollUntil,
  pushArtifact,
  startOciRegistry,
  useTestNamespace,
  type OciRegistry,
  type TestNamespace,
} from '@fluxion/testenv';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerProcess, type ControllerName, type ControllerProcess } from './support/controller-process.ts';
import { apply, conditionOf, connect, read, requestReconcile, type Cluster } from './support/kube.ts';

const SOURCE = 'source.toolkit.fluxcd.io/v1';
const KS = 'kustomize.toolkit.fluxcd.io/v1';

const appFiles = (version: string) => ({
  'app/configmap.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-settings\ndata:\n  version: "${version}"\n`,
  'app/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - configmap.yaml\n',
});

interface Applied {
  status?: { lastAppliedRevision?: string; artifact?: { revision?: string } };
}

describe('OCI artifacts, each controller its own process', () => {
  let env: TestNamespace;
  let cluster: Cluster;
  let registry: OciRegistry;
  let push: RegistryClient;
  let scratch: string;
  const controllers = new Map<ControllerName, ControllerProcess>();

  const settings = () => read<V1ConfigMap>(cluster, 'v1', 'ConfigMap', 'app-settings', env.namespace);
  const appliedAt = (revision: string) =>
    pollUntil(
      `Kustomization app applied at ${revision}`,
      async () => {
        const ks = await read<Applied & { metadata?: object }>(cluster, KS, 'Kustomization', 'app', env.namespace);
        return conditionOf(ks, 'Ready')?.status === 'True' && ks?.status?.lastAppliedRevision === revision
          ? ks
          : undefined;
      },
      120_000,
    );

  beforeAll(async () => {
    env = await useTestNamespace('e2e-oci');
    cluster = connect(env.kubeconfigPath);
    scratch = mkdtempSync(join(tmpdir(), 'fluxion-e2e-oci-'));
    await installCrds(env.kubeConfig);
    registry = await startOciRegistry();
    push = new RegistryClient({ registry: registry.host, insecure: true });
    for (const [name, args] of [
      [
        'source-controller',
        [`--storage-path=${join(scratch, 'storage')}`, '--storage-addr=127.0.0.1:0', '--watch-all-namespaces=false'],
      ],
      ['kustomize-controller', ['--watch-all-namespaces=false']],
    ] as const) {
      controllers.set(
        name,
        await startControllerProcess(name, {
          kubeconfigPath: env.kubeconfigPath,
          logFile: join(scratch, `${name}.log`),
          env: { RUNTIME_NAMESPACE: env.namespace },
          args: [...args],
        }),
      );
    }
  });

  afterAll(async () => {
    for (const controller of controllers.values()) await controller.stop();
    push?.close();
    await registry?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('applies a pushed artifact, rolls out a new tag in the semver range, and keeps the last one on a bad push', async () => {
    const first = await pushArtifact(push, { repository: 'fleet/app', tag: '1.0.0', files: appFiles('1.0.0') });
    await pushArtifact(push, { repository: 'fleet/app', tag: '2.0.0', files: appFiles('2.0.0') });
    await apply(cluster, [
      {
        apiVersion: SOURCE,
        kind: 'OCIRepository',
        metadata: { name: 'app', namespace: env.namespace },
        spec: { url: `oci://${registry.host}/fleet/app`, ref: { semver: '1.x' }, insecure: true, interval: '10m' },
      },
      {
        apiVersion: KS,
        kind: 'Kustomization',
        metadata: { name: 'app', namespace: env.namespace },
        spec: {
          interval: '10m',
          path: './app',
          prune: true,
          targetNamespace: env.namespace,
          sourceRef: { kind: 'OCIRepository', name: 'app' },
        },
      },
    ]);
    await appliedAt(first.revision);
    expect((await settings())?.data?.['version']).toBe('1.0.0');

    const next = await pushArtifact(push, { repository: 'fleet/app', tag: '1.1.0', files: appFiles('1.1.0') });
    await requestReconcile(cluster, SOURCE, 'OCIRepository', 'app', env.namespace);
    await appliedAt(next.revision);
    expect((await settings())?.data?.['version']).toBe('1.1.0');

    // a higher tag in range whose layer escapes the root: refused, the cluster stays at 1.1.0
    await pushArtifact(push, {
      repository: 'fleet/app',
      tag: '1.2.0',
      entries: [{ path: '../../evil.yaml', content: 'x' }],
    });
    await requestReconcile(cluster, SOURCE, 'OCIRepository', 'app', env.namespace);
    const refused = await pollUntil(
      'OCIRepository app refuses 1.2.0',
      async () => {
        const source = await read(cluster, SOURCE, 'OCIRepository', 'app', env.namespace);
        const ready = conditionOf(source, 'Ready');
        return ready?.status === 'False' && ready.message?.includes('leaves the archive')
          ? { source: source as Applied, ready }
          : undefined;
      },
      60_000,
    );
    expect(refused.ready.message).toContain(`/v2/fleet/app/blobs/sha256:`);
    expect(refused.source.status?.artifact?.revision).toBe(next.revision);
    expect((await settings())?.data?.['version']).toBe('1.1.0');
  });
});
