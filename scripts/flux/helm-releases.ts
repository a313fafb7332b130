// Shape: N HelmReleases of one small chart (a Service, a ConfigMap and a Deployment scaled to 0, as helm-controller's
// scale bench) from a HelmRepository over HTTP through a HelmChart, which each side's own source-controller serves;
// helm-controller measured to all Ready, then one unchanged cycle: no new Helm revision, no write to the releases'
// objects.
import { startHelmRepository } from '@fluxion/testenv';
import { defaultTemplates } from '../../packages/helm-controller/test/support/charts.ts';
import { mapLimit } from './cluster-steps.ts';
import type { Side } from './controllers.ts';
import { isReady, type ShapeContext, type Toolkit } from './shape-context.ts';

const HR = { group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease' };
const CHART = { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'HelmChart' };
const RELEASE_KINDS = [
  { group: '', version: 'v1', kind: 'Service' },
  { group: '', version: 'v1', kind: 'ConfigMap' },
  { group: 'apps', version: 'v1', kind: 'Deployment' },
];

export async function helmReleases(context: ShapeContext, sides: readonly Side[], count: number): Promise<void> {
  const { client, namespace } = context;
  const repository = await startHelmRepository([
    {
      name: 'small',
      version: '1.0.0',
      values: 'replicaCount: 0\nmessage: hello\nimage: registry.example.invalid/app:1.0\n',
      // helm-controller's scale bench chart: its templates (the fixture's chart already brings the ConfigMap)
      files: {
        'templates/service.yaml': defaultTemplates['service.yaml'] ?? '',
        'templates/deployment.yaml': defaultTemplates['deployment.yaml'] ?? '',
      },
    },
  ]);
  const names = Array.from({ length: count }, (_, index) => `app-${String(index).padStart(4, '0')}`);
  try {
    await context.forEachSide(sides, 'HelmReleases', async (side) => {
      await context.withControllers(side, ['source-controller', 'helm-controller'], async (controller, measure) => {
        await client.apply(
          {
            apiVersion: 'source.toolkit.fluxcd.io/v1',
            kind: 'HelmRepository',
            metadata: { name: 'charts', namespace },
            spec: { url: repository.url, interval: '1h' },
          },
          { fieldManager: 'fluxion-bench', force: true },
        );
        await client.apply(
          {
            apiVersion: 'source.toolkit.fluxcd.io/v1',
            kind: 'HelmChart',
            metadata: { name: 'small', namespace },
            spec: {
              chart: 'small',
              version: '*',
              sourceRef: { kind: 'HelmRepository', name: 'charts' },
              interval: '1h',
            },
          },
          { fieldManager: 'fluxion-bench', force: true },
        );
        // the chart's artifact is the source-controller's work: ready before helm-controller is measured
        await context.until(
          controller,
          async () => (await client.list<Toolkit>(CHART, { namespace })).items.some(isReady),
          300_000,
          `the HelmChart Ready (${side} source-controller)`,
        );

        const first = await measure(async () => {
          await mapLimit(names, 32, (name) =>
            client.apply(
              {
                apiVersion: 'helm.toolkit.fluxcd.io/v2',
                kind: 'HelmRelease',
                metadata: { name, namespace },
                spec: { interval: '1h', chartRef: { kind: 'HelmChart', name: 'small' }, values: { message: name } },
              },
              { fieldManager: 'fluxion-bench', force: true },
            ),
          );
          await context.untilAll(controller, HR, count, isReady, 60 * 60_000, `${count} HelmReleases Ready (${side})`);
        });
        context.record(`${count} HelmReleases to Ready`, side, first, count);

        const secretsBefore = await helmSecrets();
        const objectsBefore = await releaseObjectVersions();
        const { row } = await context.unchangedCycle(
          { shape: `${count} HelmReleases, unchanged, one cycle`, side, controller, measure },
          HR,
          names,
          isReady,
        );
        const secretsAfter = await helmSecrets();
        const objectsAfter = await releaseObjectVersions();
        row['new Helm revisions'] = [...secretsAfter].filter((name) => !secretsBefore.has(name)).length;
        row[`release objects written (of ${objectsBefore.size})`] = [...objectsBefore].filter(
          ([key, version]) => objectsAfter.get(key) !== version,
        ).length;
      });
    });
  } finally {
    await repository.stop();
  }

  /** Helm's release records: one Secret per revision, labelled owner=helm, for both sides. */
  async function helmSecrets(): Promise<Set<string>> {
    const { items } = await client.list(
      { group: '', version: 'v1', kind: 'Secret' },
      { namespace, labelSelector: 'owner=helm' },
    );
    return new Set(items.map((item) => item.metadata?.name ?? ''));
  }

  /** The resourceVersion of every Service, ConfigMap and Deployment helm manages (labelled so by helm, both sides). */
  async function releaseObjectVersions(): Promise<Map<string, string>> {
    const versions = new Map<string, string>();
    for (const gvk of RELEASE_KINDS) {
      const { items } = await client.list(gvk, { namespace, labelSelector: 'app.kubernetes.io/managed-by=Helm' });
      for (const item of items)
        versions.set(`${gvk.kind}/${item.metadata?.name}`, item.metadata?.resourceVersion ?? '');
    }
    return versions;
  }
}
