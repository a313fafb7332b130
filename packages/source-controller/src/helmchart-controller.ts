// Wires the HelmChart reconciler into a Manager: its cache and controller, and re-queues when a source it uses gets
// a new artifact (a new index, commit or bucket revision).
import type { HelmChart } from '@fluxion/api';
import { type Controller, type EventRecorder, objectKey, type Reflector } from '@fluxion/runtime';
import { HelmIndexCache } from './helm-index-cache.ts';
import { findHelm } from './helm-packager.ts';
import { helmChartKind, HelmChartReconciler, type HelmChartSources } from './helmchart-reconciler.ts';
import type { SourceObject } from './source-run.ts';
import { addSourceController, artifactChanged, type SourceWatchOptions, watchSourceKind } from './source-watch.ts';
import type { ArtifactStorage } from './storage.ts';

export interface HelmChartControllerOptions extends SourceWatchOptions {
  storage: ArtifactStorage;
  events: EventRecorder;
  sources: HelmChartSources;
  /** `--helm-path`; found as findHelm() says when empty. */
  helmPath?: string;
  indexCache?: HelmIndexCache;
  /** `--helm-chart-max-size`. */
  chartMaxBytes?: number;
}

export interface HelmChartController {
  controller: Controller;
  cache: Reflector<HelmChart>;
  reconciler: HelmChartReconciler;
}

const sourceIndex = 'source';

export function setupHelmChartController(options: HelmChartControllerOptions): HelmChartController {
  const cache = watchSourceKind<HelmChart>(options, helmChartKind);
  cache.index(sourceIndex, (chart) =>
    chart.spec?.sourceRef
      ? [`${chart.spec.sourceRef.kind}/${chart.metadata?.namespace ?? ''}/${chart.spec.sourceRef.name}`]
      : [],
  );
  const log = options.manager.logger.child({ controller: 'helmchart' });
  const indexCache =
    options.indexCache ??
    new HelmIndexCache({
      onParse: (repository, digest) =>
        log.debug({ helmRepository: repository, digest }, 'Parsed a Helm repository index'),
    });
  const reconciler = new HelmChartReconciler({
    client: options.client,
    cache,
    sources: options.sources,
    storage: options.storage,
    events: options.events,
    helm: findHelm(options.helmPath),
    indexCache,
    ...(options.chartMaxBytes ? { chartMaxBytes: options.chartMaxBytes } : {}),
  });
  const controller = addSourceController(options, helmChartKind, cache, reconciler.reconcile);
  for (const [kind, sourceCache] of Object.entries(options.sources) as Array<
    [string, Reflector<SourceObject> | undefined]
  >) {
    sourceCache?.onEvent((event) => {
      if (kind === 'HelmRepository' && event.type === 'DELETED') indexCache.forget(objectKey(event.object));
      if (!artifactChanged(event)) return;
      for (const chart of cache.byIndex(sourceIndex, `${kind}/${objectKey(event.object)}`))
        controller.enqueue(objectKey(chart));
    });
  }
  return { controller, cache, reconciler };
}
