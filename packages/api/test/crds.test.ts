// The CRDs against a real API server: Flux's documented manifests are accepted, defaulted and shown as kubectl shows them.
import { ApiException, CustomObjectsApi, setHeaderOptions } from '@kubernetes/client-node';
import { eventually, useTestNamespace } from '@fluxion/testenv';
import { beforeAll, describe, expect, it } from 'vitest';
import { installCrds } from '../src/index.ts';
import type { Bucket, GitRepository, HelmChart, HelmRepository, Kustomization, OCIRepository } from '../src/index.ts';

type FluxObject = GitRepository | OCIRepository | HelmRepository | HelmChart | Bucket | Kustomization;

const plurals: Record<FluxObject['kind'], string> = {
  GitRepository: 'gitrepositories',
  OCIRepository: 'ocirepositories',
  HelmRepository: 'helmrepositories',
  HelmChart: 'helmcharts',
  Bucket: 'buckets',
  Kustomization: 'kustomizations',
};

let api: CustomObjectsApi;
let namespace: string;

beforeAll(async () => {
  const env = await useTestNamespace('api');
  namespace = env.namespace;
  await installCrds(env.kubeConfig);
  // Installing twice must be a no-op, as it is on every controller start.
  await installCrds(env.kubeConfig);
  api = env.kubeConfig.makeApiClient(CustomObjectsApi);
});

function coordinates(object: FluxObject): { group: string; version: string; plural: string; namespace: string } {
  const [group = '', version = ''] = object.apiVersion.split('/');
  return { group, version, plural: plurals[object.kind], namespace };
}

async function create<T extends FluxObject>(object: T): Promise<T> {
  return (await api.createNamespacedCustomObject({ ...coordinates(object), body: object })) as T;
}

/** The API server's message for a rejected create; fails the test if the object was accepted. */
async function rejection(object: FluxObject): Promise<string> {
  try {
    await create(object);
  } catch (error) {
    if (error instanceof ApiException) {
      expect(error.code).toBe(422);
      return statusMessage(error.body);
    }
    throw error;
  }
  throw new Error(`${object.kind} ${object.metadata?.name} was accepted but should have been rejected`);
}

function statusMessage(body: unknown): string {
  const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
  if (typeof parsed === 'object' && parsed !== null && 'message' in parsed && typeof parsed.message === 'string')
    return parsed.message;
  return JSON.stringify(parsed);
}

function gitRepository(name: string, spec: Partial<NonNullable<GitRepository['spec']>> = {}): GitRepository {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name },
    spec: { interval: '5m0s', url: 'https://github.com/stefanprodan/podinfo', ref: { branch: 'master' }, ...spec },
  };
}

function kustomization(name: string, spec: Partial<NonNullable<Kustomization['spec']>> = {}): Kustomization {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name },
    spec: {
      interval: '10m',
      path: './kustomize',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'podinfo' },
      ...spec,
    },
  };
}

describe('Flux manifests are accepted and defaulted', () => {
  it('GitRepository with a branch ref: timeout defaults to 60s and status starts at observedGeneration -1', async () => {
    const created = await create(gitRepository('podinfo'));
    expect(created.spec?.timeout).toBe('60s');
    expect(created.spec?.ref).toEqual({ branch: 'master' });
    expect(created.status).toEqual({ observedGeneration: -1 });
  });

  it('GitRepository with a semver ref and a verified HEAD', async () => {
    const created = await create(
      gitRepository('podinfo-semver', {
        ref: { semver: '>=6.0.0 <7.0.0' },
        verify: { secretRef: { name: 'pgp-public-keys' } },
      }),
    );
    expect(created.spec?.ref?.semver).toBe('>=6.0.0 <7.0.0');
    expect(created.spec?.verify?.mode).toBe('HEAD');
  });

  it('GitRepository with include, ignore, sparse checkout and SSH', async () => {
    const created = await create(
      gitRepository('app-repo', {
        url: 'ssh://git@github.com/example/app',
        secretRef: { name: 'ssh-credentials' },
        include: [{ repository: { name: 'config-repo' }, fromPath: 'deploy/production', toPath: 'config' }],
        ignore: '/*\n!/deploy\n',
        sparseCheckout: ['deploy'],
        recurseSubmodules: true,
      }),
    );
    expect(created.spec?.include).toEqual([
      { repository: { name: 'config-repo' }, fromPath: 'deploy/production', toPath: 'config' },
    ]);
  });

  it('OCIRepository with a semver ref and a layer selector: provider generic, timeout 60s', async () => {
    const created = await create<OCIRepository>({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata: { name: 'podinfo' },
      spec: {
        interval: '5m0s',
        url: 'oci://ghcr.io/stefanprodan/manifests/podinfo',
        ref: { semver: '6.x' },
        layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
        verify: {
          provider: 'cosign',
          matchOIDCIdentity: [
            {
              issuer: '^https://token.actions.githubusercontent.com$',
              subject: '^https://github.com/stefanprodan/podinfo.*$',
            },
          ],
        },
      },
    });
    expect(created.spec?.provider).toBe('generic');
    expect(created.spec?.timeout).toBe('60s');
  });

  it('HelmRepository of type oci: provider defaults to generic', async () => {
    const created = await create<HelmRepository>({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: 'podinfo' },
      spec: { type: 'oci', interval: '5m0s', url: 'oci://ghcr.io/stefanprodan/charts' },
    });
    expect(created.spec?.provider).toBe('generic');
    expect(created.spec?.timeout).toBeUndefined();
  });

  it('HelmChart from a HelmRepository: version *, reconcileStrategy ChartVersion', async () => {
    const created = await create<HelmChart>({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmChart',
      metadata: { name: 'podinfo' },
      spec: {
        interval: '5m0s',
        chart: 'podinfo',
        sourceRef: { kind: 'HelmRepository', name: 'podinfo' },
        valuesFiles: ['values-prod.yaml'],
      },
    });
    expect(created.spec?.version).toBe('*');
    expect(created.spec?.reconcileStrategy).toBe('ChartVersion');
  });

  it('Bucket on a generic S3 endpoint: provider generic, timeout 60s', async () => {
    const created = await create<Bucket>({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'Bucket',
      metadata: { name: 'minio-bucket' },
      spec: {
        interval: '5m0s',
        endpoint: 'minio.example.com',
        insecure: true,
        secretRef: { name: 'minio-bucket-secret' },
        bucketName: 'example',
      },
    });
    expect(created.spec?.provider).toBe('generic');
    expect(created.spec?.timeout).toBe('60s');
  });

  it('Kustomization with dependsOn, postBuild, patches, images and health checks: force and optional default to false', async () => {
    const created = await create(
      kustomization('apps', {
        targetNamespace: 'apps',
        timeout: '1m',
        retryInterval: '2m',
        wait: false,
        dependsOn: [{ name: 'infrastructure' }, { name: 'cert-manager', namespace: 'flux-system' }],
        postBuild: {
          substitute: { cluster_env: 'prod', cluster_region: 'eu-central-1' },
          substituteFrom: [
            { kind: 'ConfigMap', name: 'cluster-vars' },
            { kind: 'Secret', name: 'cluster-secret-vars', optional: true },
          ],
        },
        patches: [
          {
            patch: '- op: replace\n  path: /spec/replicas\n  value: 2\n',
            target: { kind: 'Deployment', labelSelector: 'app=podinfo' },
          },
        ],
        images: [{ name: 'podinfo', newName: 'my-registry/podinfo', newTag: 'v1' }],
        healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo', namespace: 'apps' }],
        healthCheckExprs: [
          {
            apiVersion: 'cert-manager.io/v1',
            kind: 'Certificate',
            current: "status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'True')",
          },
        ],
        commonMetadata: { labels: { team: 'platform' } },
        deletionPolicy: 'Delete',
        buildMetadata: ['originAnnotations'],
      }),
    );
    expect(created.spec?.force).toBe(false);
    expect(created.spec?.postBuild?.substituteFrom).toEqual([
      { kind: 'ConfigMap', name: 'cluster-vars', optional: false },
      { kind: 'Secret', name: 'cluster-secret-vars', optional: true },
    ]);
    expect(created.status).toEqual({ observedGeneration: -1 });
  });
});

describe('invalid manifests are rejected with the schema message', () => {
  it('an interval that is not a Go duration', async () => {
    const message = await rejection(gitRepository('bad-interval', { interval: '5 minutes' }));
    expect(message).toContain('spec.interval');
    expect(message).toContain('should match');
  });

  it('a Git URL without an http, https or ssh scheme', async () => {
    const message = await rejection(gitRepository('bad-url', { url: 'git@github.com:stefanprodan/podinfo.git' }));
    expect(message).toContain('spec.url');
    expect(message).toContain('^(http|https|ssh)://.*$');
  });

  it('a Kustomization sourceRef kind that is not a source Kustomizations can use', async () => {
    const message = await rejection(
      kustomization('bad-kind', { sourceRef: { kind: 'HelmRepository' as 'GitRepository', name: 'podinfo' } }),
    );
    expect(message).toContain('spec.sourceRef.kind');
    expect(message).toContain('Unsupported value: "HelmRepository"');
  });

  it('a Kustomization without prune', async () => {
    const object = kustomization('no-prune');
    delete (object.spec as Partial<NonNullable<Kustomization['spec']>>).prune;
    expect(await rejection(object)).toContain('spec.prune: Required value');
  });

  it('a verify mode Flux does not know', async () => {
    const message = await rejection(
      gitRepository('bad-mode', { verify: { mode: 'All' as 'HEAD', secretRef: { name: 'keys' } } }),
    );
    expect(message).toContain('spec.verify.mode');
  });

  it('CEL: a GitRepository serviceAccountName without the azure or aws provider', async () => {
    const message = await rejection(gitRepository('bad-sa', { serviceAccountName: 'git-reader' }));
    expect(message).toContain("serviceAccountName can only be set when provider is 'azure' or 'aws'");
  });

  it('CEL: a Bucket with both secretRef and serviceAccountName', async () => {
    const message = await rejection({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'Bucket',
      metadata: { name: 'bad-bucket' },
      spec: {
        provider: 'aws',
        interval: '5m',
        endpoint: 's3.amazonaws.com',
        bucketName: 'b',
        secretRef: { name: 's' },
        serviceAccountName: 'sa',
      },
    });
    expect(message).toContain('cannot set both .spec.secretRef and .spec.serviceAccountName');
  });

  it('CEL: a kubeConfig with both a Secret and a ConfigMap', async () => {
    const message = await rejection(
      kustomization('bad-kubeconfig', {
        kubeConfig: { secretRef: { name: 'kubeconfig' }, configMapRef: { name: 'cluster' } },
      }),
    );
    expect(message).toContain(
      'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified',
    );
  });

  it('CEL: a HelmChart with spec.verify and a GitRepository source', async () => {
    const chart = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmChart',
      metadata: { name: 'verify-from-git' },
      spec: {
        chart: './charts/app',
        interval: '5m',
        sourceRef: { kind: 'GitRepository', name: 'repo' },
        verify: { provider: 'cosign' },
      },
    };
    expect(await rejection(chart as HelmChart)).toContain(
      'spec.verify can only be set when spec.sourceRef.kind is HelmRepository',
    );
  });

  it('a HelmChart without a sourceRef', async () => {
    const chart = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmChart',
      metadata: { name: 'no-source' },
      spec: { chart: 'podinfo', interval: '5m' },
    };
    expect(await rejection(chart as HelmChart)).toContain('spec.sourceRef: Required value');
  });
});

describe('kubectl view', () => {
  async function tableColumns(plural: string, group: string): Promise<{ columns: string[]; rows: unknown[][] }> {
    const table = (await api.listNamespacedCustomObject(
      { group, version: 'v1', namespace, plural },
      setHeaderOptions('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io'),
    )) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    return { columns: table.columnDefinitions.map((column) => column.name), rows: table.rows.map((row) => row.cells) };
  }

  it('gitrepositories show NAME URL AGE READY STATUS, filled from the Ready condition', async () => {
    const repository = await create(gitRepository('shown'));
    await api.replaceNamespacedCustomObjectStatus({
      ...coordinates(repository),
      name: 'shown',
      body: {
        ...repository,
        status: {
          observedGeneration: 1,
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Succeeded',
              message: "stored artifact for revision 'master@sha1:132f4e719209eb10b9485302f8593fc0e680f4fc'",
              lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
            },
          ],
        },
      },
    });
    const { columns, rows } = await tableColumns('gitrepositories', 'source.toolkit.fluxcd.io');
    expect(columns).toEqual(['Name', 'URL', 'Age', 'Ready', 'Status']);
    const shown = rows.find((cells) => cells[0] === 'shown');
    expect(shown?.[1]).toBe('https://github.com/stefanprodan/podinfo');
    expect(shown?.[3]).toBe('True');
    expect(shown?.[4]).toBe("stored artifact for revision 'master@sha1:132f4e719209eb10b9485302f8593fc0e680f4fc'");
  });

  it('kustomizations show NAME AGE READY STATUS; helmcharts show chart, version and source', async () => {
    expect((await tableColumns('kustomizations', 'kustomize.toolkit.fluxcd.io')).columns).toEqual([
      'Name',
      'Age',
      'Ready',
      'Status',
    ]);
    expect((await tableColumns('helmcharts', 'source.toolkit.fluxcd.io')).columns).toEqual([
      'Name',
      'Chart',
      'Version',
      'Source Kind',
      'Source Name',
      'Age',
      'Ready',
      'Status',
    ]);
    expect((await tableColumns('ocirepositories', 'source.toolkit.fluxcd.io')).columns).toEqual([
      'Name',
      'URL',
      'Ready',
      'Status',
      'Age',
    ]);
    expect((await tableColumns('buckets', 'source.toolkit.fluxcd.io')).columns).toEqual([
      'Name',
      'Endpoint',
      'Age',
      'Ready',
      'Status',
    ]);
    expect((await tableColumns('helmrepositories', 'source.toolkit.fluxcd.io')).columns).toEqual([
      'Name',
      'URL',
      'Age',
      'Ready',
      'Status',
    ]);
  });

  it('short names and the fluxcd category are served by discovery', async () => {
    const source = await api.getAPIResources({ group: 'source.toolkit.fluxcd.io', version: 'v1' });
    const kustomize = await api.getAPIResources({ group: 'kustomize.toolkit.fluxcd.io', version: 'v1' });
    const byName = new Map([...source.resources, ...kustomize.resources].map((resource) => [resource.name, resource]));
    expect(byName.get('gitrepositories')?.shortNames).toEqual(['gitrepo']);
    expect(byName.get('ocirepositories')?.shortNames).toEqual(['ocirepo']);
    expect(byName.get('helmrepositories')?.shortNames).toEqual(['helmrepo']);
    expect(byName.get('helmcharts')?.shortNames).toEqual(['hc']);
    expect(byName.get('kustomizations')?.shortNames).toEqual(['ks']);
    for (const plural of Object.values(plurals)) expect(byName.get(plural)?.categories).toContain('fluxcd');
    expect(byName.get('kustomizations')?.categories).toEqual(['all', 'fluxcd', 'fluxcd-appliers']);
    expect(byName.get('gitrepositories')?.categories).toEqual(['all', 'fluxcd', 'fluxcd-sources']);
    expect(byName.get('gitrepositories/status')).toBeDefined();
  });

  it('externalartifacts are served with the short name ea, their columns, and a status only their producer writes', async () => {
    const source = await api.getAPIResources({ group: 'source.toolkit.fluxcd.io', version: 'v1' });
    const resource = source.resources.find((candidate) => candidate.name === 'externalartifacts');
    expect(resource?.shortNames).toEqual(['ea']);
    expect(resource?.categories).toContain('fluxcd-sources');
    expect(source.resources.find((candidate) => candidate.name === 'externalartifacts/status')).toBeDefined();
    // a CRD new to this control plane answers 429 "storage is (re)initializing" for a moment after Established
    const table = await eventually(() => tableColumns('externalartifacts', 'source.toolkit.fluxcd.io'));
    expect(table.columns).toEqual(['Name', 'Ready', 'Status', 'Source', 'Source Name', 'Age']);
    const created = (await api.createNamespacedCustomObject({
      group: 'source.toolkit.fluxcd.io',
      version: 'v1',
      plural: 'externalartifacts',
      namespace,
      body: {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'ExternalArtifact',
        metadata: { name: 'published' },
        spec: { sourceRef: { apiVersion: 'example.dev/v1', kind: 'Generator', name: 'gen' } },
      },
    })) as { spec?: { sourceRef?: { kind?: string } } };
    expect(created.spec?.sourceRef?.kind).toBe('Generator');
  });
});
