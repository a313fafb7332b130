// Finds the chart artifact of a HelmRelease: its own HelmChart (made from spec.chart) or the object chartRef names.
import type { HelmChart, HelmRelease } from '@fluxion/api';
import { isNotFound, type KubeClient, type Reflector } from '@fluxion/runtime';
import { isDeepStrictEqual } from 'node:util';
import { NameLabel, NamespaceLabel } from './helm-args.ts';

export const ControllerFieldManager = 'helm-controller';

/** The chart cannot be found or is not ready yet; `stalled` when only a spec change can fix it. */
export class ChartSourceError extends Error {
  override readonly name = 'ChartSourceError';
  readonly reason = 'ArtifactFailed';
  readonly stalled: boolean;
  constructor(message: string, stalled = false) {
    super(message);
    this.stalled = stalled;
  }
}

export interface ChartArtifact {
  url: string;
  digest: string | undefined;
  revision: string;
  /** `Kind/namespace/name` of the source object, for messages. */
  source: string;
}

interface SourceObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; generation?: number };
  status?: { artifact?: { url?: string; digest?: string; revision?: string }; observedGeneration?: number };
}

export interface ChartSources {
  client: KubeClient;
  helmCharts: Reflector<HelmChart>;
  ociRepositories: Reflector<SourceObject>;
  noCrossNamespaceRefs: boolean;
}

/** `namespace/name` of the HelmChart made for spec.chart: `<hr namespace>-<hr name>` in the source's namespace. */
export function helmChartKeyOf(hr: HelmRelease): { namespace: string; name: string } | undefined {
  const template = hr.spec?.chart;
  if (!template) return undefined;
  return {
    namespace: template.spec.sourceRef.namespace || hr.metadata?.namespace || '',
    name: `${hr.metadata?.namespace}-${hr.metadata?.name}`,
  };
}

/** The HelmChart object spec.chart asks for, labelled with its owner (it may live in another namespace). */
export function desiredHelmChart(hr: HelmRelease): HelmChart | undefined {
  const template = hr.spec?.chart;
  const key = helmChartKeyOf(hr);
  if (!template || !key) return undefined;
  const spec: Record<string, unknown> = {
    chart: template.spec.chart,
    version: template.spec.version ?? '*',
    sourceRef: { kind: template.spec.sourceRef.kind, name: template.spec.sourceRef.name },
    interval: template.spec.interval ?? hr.spec?.interval ?? '10m',
    reconcileStrategy: template.spec.reconcileStrategy ?? 'ChartVersion',
  };
  if (template.spec.valuesFiles?.length) spec['valuesFiles'] = template.spec.valuesFiles;
  if (template.spec.ignoreMissingValuesFiles) spec['ignoreMissingValuesFiles'] = true;
  if (template.spec.verify) spec['verify'] = template.spec.verify;
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmChart',
    metadata: {
      name: key.name,
      namespace: key.namespace,
      labels: {
        ...(template.metadata?.labels ?? {}),
        [NameLabel]: hr.metadata?.name ?? '',
        [NamespaceLabel]: hr.metadata?.namespace ?? '',
      },
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
    },
    spec,
  } as unknown as HelmChart;
}

/** Creates or updates the owned HelmChart when the cache shows it differs (an unchanged one is not written). */
export async function reconcileHelmChart(sources: ChartSources, hr: HelmRelease): Promise<HelmChart | undefined> {
  const desired = desiredHelmChart(hr);
  if (!desired) return undefined;
  const namespace = desired.metadata?.namespace ?? '';
  if (sources.noCrossNamespaceRefs && namespace !== hr.metadata?.namespace) {
    throw new ChartSourceError(
      `can't access '${hr.spec?.chart?.spec.sourceRef.kind}/${namespace}/${hr.spec?.chart?.spec.sourceRef.name}', cross-namespace references have been blocked`,
      true,
    );
  }
  const cached = sources.helmCharts.get(namespace, desired.metadata?.name ?? '');
  const labelsMatch = Object.entries(desired.metadata?.labels ?? {}).every(
    ([key, value]) => cached?.metadata?.labels?.[key] === value,
  );
  if (cached && labelsMatch && isDeepStrictEqual(pickSpec(cached.spec, desired.spec), desired.spec)) return cached;
  return sources.client.apply(desired, { fieldManager: ControllerFieldManager, force: true });
}

function pickSpec(actual: HelmChart['spec'] | undefined, desired: HelmChart['spec']): unknown {
  if (!actual) return undefined;
  return Object.fromEntries(
    Object.keys(desired as object).map((key) => [key, (actual as unknown as Record<string, unknown>)[key]]),
  );
}

/** Deletes the HelmChart made for spec.chart (on deletion, or when the HelmRelease moved to chartRef). */
export async function deleteHelmChart(client: KubeClient, namespace: string, name: string): Promise<void> {
  await client.deleteIfExists({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', namespace, name });
}

/** The ready artifact of the chart source; throws ChartSourceError naming the source while there is none. */
export async function chartArtifactOf(
  sources: ChartSources,
  hr: HelmRelease,
  ownChart: HelmChart | undefined,
): Promise<ChartArtifact> {
  const namespace = hr.metadata?.namespace ?? '';
  let object: SourceObject | undefined;
  let subject: string;
  if (ownChart) {
    object =
      sources.helmCharts.get(ownChart.metadata?.namespace ?? '', ownChart.metadata?.name ?? '') ??
      (ownChart as SourceObject);
    subject = `HelmChart/${ownChart.metadata?.namespace}/${ownChart.metadata?.name}`;
  } else {
    const ref = hr.spec?.chartRef;
    if (!ref) throw new ChartSourceError('spec.chart or spec.chartRef must be set', true);
    const refNamespace = ref.namespace || namespace;
    subject = `${ref.kind}/${refNamespace}/${ref.name}`;
    if (sources.noCrossNamespaceRefs && refNamespace !== namespace)
      throw new ChartSourceError(`can't access '${subject}', cross-namespace references have been blocked`, true);
    if (ref.kind === 'HelmChart') object = sources.helmCharts.get(refNamespace, ref.name);
    else if (ref.kind === 'OCIRepository') object = sources.ociRepositories.get(refNamespace, ref.name);
    else
      object = await getIfExists(sources.client, {
        apiVersion: ref.apiVersion || 'source.toolkit.fluxcd.io/v1',
        kind: ref.kind,
        namespace: refNamespace,
        name: ref.name,
      });
    if (!object) throw new ChartSourceError(`chart source '${subject}' not found`);
  }
  const artifact = object.status?.artifact;
  if (!artifact?.url || !artifact.revision)
    throw new ChartSourceError(`chart source '${subject}' is not ready: it has no artifact yet`);
  return { url: artifact.url, digest: artifact.digest, revision: artifact.revision, source: subject };
}

async function getIfExists(
  client: KubeClient,
  ref: { apiVersion: string; kind: string; namespace: string; name: string },
): Promise<SourceObject | undefined> {
  try {
    return await client.getIfExists<SourceObject>(ref);
  } catch (error) {
    // an API without the kind (no ExternalArtifact CRD) answers 404 for the resource itself
    if (isNotFound(error) || (error as { name?: string }).name === 'NoKindMatchError') return undefined;
    throw error;
  }
}
