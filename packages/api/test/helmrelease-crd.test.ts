// The HelmRelease CRD against a real API server: Flux's documented example is accepted and defaulted, bad ones refused.
import { ApiException, CustomObjectsApi } from '@kubernetes/client-node';
import { useTestNamespace } from '@fluxion/testenv';
import { beforeAll, describe, expect, it } from 'vitest';
import { installCrds, type HelmRelease } from '../src/index.ts';

let api: CustomObjectsApi;
let namespace: string;

beforeAll(async () => {
  const env = await useTestNamespace('api-hr');
  namespace = env.namespace;
  await installCrds(env.kubeConfig);
  api = env.kubeConfig.makeApiClient(CustomObjectsApi);
});

const coordinates = () => ({ group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases', namespace });
const helmRelease = (name: string, spec: Partial<NonNullable<HelmRelease['spec']>>): HelmRelease => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name },
  spec: { interval: '10m', ...spec },
});

async function rejection(object: HelmRelease): Promise<string> {
  try {
    await api.createNamespacedCustomObject({ ...coordinates(), body: object });
  } catch (error) {
    if (error instanceof ApiException) return String(error.body);
    throw error;
  }
  throw new Error(`${object.metadata?.name} was accepted but should have been rejected`);
}

describe('HelmRelease CRD', () => {
  it("accepts Flux's documented example and defaults chart.spec.version and reconcileStrategy", async () => {
    const created = (await api.createNamespacedCustomObject({
      ...coordinates(),
      body: helmRelease('podinfo', {
        timeout: '5m',
        chart: {
          spec: {
            chart: 'podinfo',
            version: '6.5.*',
            sourceRef: { kind: 'HelmRepository', name: 'podinfo' },
            interval: '5m',
          },
        },
        releaseName: 'podinfo',
        install: { remediation: { retries: 3 } },
        upgrade: { remediation: { retries: 3 } },
        test: { enable: true },
        driftDetection: { mode: 'enabled', ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }] },
        values: { replicaCount: 2, nested: { anything: ['goes'] } },
        valuesFrom: [
          {
            kind: 'Secret',
            name: 'podinfo-values',
            valuesKey: 'values.yaml',
            targetPath: 'auth.token',
            optional: true,
          },
        ],
        postRenderers: [
          {
            kustomize: {
              patches: [
                { target: { kind: 'Deployment' }, patch: '- op: add\n  path: /metadata/labels/x\n  value: y\n' },
              ],
              images: [{ name: 'podinfo', newTag: '6.5.1' }],
            },
          },
        ],
        dependsOn: [{ name: 'infra' }, { kind: 'Kustomization', name: 'crds' }],
        uninstall: { keepHistory: true },
      }),
    })) as HelmRelease;
    expect(created.spec?.chart?.spec.reconcileStrategy).toBe('ChartVersion');
    expect(created.spec?.uninstall?.deletionPropagation).toBe('background');
    expect(created.spec?.values).toEqual({ replicaCount: 2, nested: { anything: ['goes'] } });
    expect(created.status).toEqual({ observedGeneration: -1 });
    const withDefaultVersion = (await api.createNamespacedCustomObject({
      ...coordinates(),
      body: helmRelease('by-ref', {
        chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } },
      }),
    })) as HelmRelease;
    expect(withDefaultVersion.spec?.chart?.spec.version).toBe('*');
  });

  it('refuses a HelmRelease with neither or both of chart and chartRef, and a release name past 53 characters', async () => {
    expect(await rejection(helmRelease('nothing', {}))).toContain('either chart or chartRef must be set');
    expect(
      await rejection(
        helmRelease('both', {
          chartRef: { kind: 'OCIRepository', name: 'x' },
          chart: { spec: { chart: 'x', sourceRef: { kind: 'HelmRepository', name: 'x' } } },
        }),
      ),
    ).toContain('either chart or chartRef must be set');
    expect(
      await rejection(helmRelease('long', { chartRef: { kind: 'HelmChart', name: 'x' }, releaseName: 'r'.repeat(54) })),
    ).toContain('spec.releaseName');
    expect(
      await rejection(helmRelease('bad-kind', { chartRef: { kind: 'GitRepository' as 'HelmChart', name: 'x' } })),
    ).toContain('spec.chartRef.kind');
  });

  it('is served with the short name hr in the fluxcd categories', async () => {
    const resources = await api.getAPIResources({ group: 'helm.toolkit.fluxcd.io', version: 'v2' });
    const resource = resources.resources.find((candidate) => candidate.name === 'helmreleases');
    expect(resource?.shortNames).toEqual(['hr']);
    expect(resource?.categories).toEqual(['all', 'fluxcd', 'fluxcd-appliers']);
  });
});
