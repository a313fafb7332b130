// What Kustomization benchmarks apply, and where it comes from without a source-controller running: a GitRepository
// whose artifact (a tarball of the given files, served from a folder over HTTP) is written into its status as
// source-controller writes it. Used by kustomizations-scale.ts and by scripts/flux (the same shape on both sides).
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from '@fluxion/runtime';
import { filesToEntries, tarGz } from '@fluxion/testenv';

/** Flux's scale-benchmark app: a ServiceAccount, a headless Service, a ConfigMap (data.color) and a Deployment at 0. */
export const benchAppManifests = (color: string): Record<string, string> => ({
  'app/service-account.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n',
  'app/service.yaml':
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: app\nspec:\n  clusterIP: None\n  selector:\n    app: app\n  ports:\n  - port: 80\n    targetPort: 8080\n',
  'app/config-map.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  color: ${color}\n`,
  'app/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 0\n  selector:\n    matchLabels:\n      app: app\n  template:\n    metadata:\n      labels:\n        app: app\n    spec:\n      serviceAccountName: app\n      containers:\n      - name: app\n        image: ghcr.io/stefanprodan/podinfo:6.7.0\n',
});

export interface BenchSourceHome {
  client: Pick<KubeClient, 'apply'>;
  namespace: string;
  /** the folder the static server serves, and that server's URL */
  artifactDir: string;
  serverUrl: string;
  /** the field manager of the GitRepository's spec (its status is written as source-controller's) */
  fieldManager: string;
}

/** Publishes `files` as the artifact of GitRepository `source` and returns its revision (`main@sha1:<hex>`). */
export async function publishBenchSource(
  home: BenchSourceHome,
  source: string,
  files: Record<string, string>,
): Promise<string> {
  const { client, namespace, artifactDir, serverUrl, fieldManager } = home;
  const archive = tarGz(filesToEntries(files));
  const commit = createHash('sha1').update(archive).update(source).digest('hex');
  await writeFile(join(artifactDir, `${commit}.tar.gz`), archive);
  const revision = `main@sha1:${commit}`;
  const gitRepository = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: source, namespace },
  };
  await client.apply(
    { ...gitRepository, spec: { url: `https://git.example.invalid/${source}`, interval: '1h' } },
    { fieldManager, force: true },
  );
  const artifact = {
    path: `${commit}.tar.gz`,
    url: `${serverUrl}/${commit}.tar.gz`,
    revision,
    digest: `sha256:${createHash('sha256').update(archive).digest('hex')}`,
    lastUpdateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    size: archive.length,
  };
  await client.apply(
    { ...gitRepository, status: { artifact } },
    { fieldManager: 'source-controller', force: true, subresource: 'status' },
  );
  return revision;
}

/** resourceVersion of every object the Kustomizations applied, by `Kind/name`: compared before and after a cycle. */
export async function appliedResourceVersions(
  client: Pick<KubeClient, 'list'>,
  namespace: string,
): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  for (const gvk of [
    { group: '', version: 'v1', kind: 'ServiceAccount' },
    { group: '', version: 'v1', kind: 'Service' },
    { group: '', version: 'v1', kind: 'ConfigMap' },
    { group: 'apps', version: 'v1', kind: 'Deployment' },
  ]) {
    const { items } = await client.list(gvk, { namespace, labelSelector: 'kustomize.toolkit.fluxcd.io/name' });
    for (const item of items) versions.set(`${gvk.kind}/${item.metadata?.name}`, item.metadata?.resourceVersion ?? '');
  }
  return versions;
}

/** `data.color` of an applied ConfigMap: which revision of the app it holds. */
export async function configMapColor(
  client: Pick<KubeClient, 'getIfExists'>,
  namespace: string,
  name: string,
): Promise<string | undefined> {
  const configMap = await client.getIfExists<KubernetesObject & { data?: Record<string, string> }>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace,
    name,
  });
  return configMap?.data?.['color'];
}
