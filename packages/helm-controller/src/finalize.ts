// Deletion of a HelmRelease: uninstall its release (unless suspended), delete its HelmChart, drop the finalizer.
import type { HelmRelease } from '@fluxion/api';
import type { EventRecorder, KubeClient, Logger, ReconcileResult } from '@fluxion/runtime';
import { deleteHelmChart } from './chart-source.ts';
import type { ClusterAccess } from './cluster-access.ts';
import { releaseNameOf, releaseNamespaceOf, storageNamespaceOf } from './helm-args.ts';
import type { HelmRunner } from './helm-cli.ts';
import { isOwnedBy } from './release-decision.ts';
import { uninstall } from './release-runner.ts';
import { listReleases } from './release-storage.ts';
import { Finalizer, Reason } from './reasons.ts';

export interface FinalizeDeps {
  client: KubeClient;
  helm: HelmRunner;
  events: EventRecorder;
  log: Logger;
  clusterAccess: (hr: HelmRelease) => Promise<ClusterAccess>;
}

export async function finalizeHelmRelease(hr: HelmRelease, deps: FinalizeDeps): Promise<ReconcileResult> {
  if (!hr.metadata?.finalizers?.includes(Finalizer)) return {};
  const subject = `${releaseNamespaceOf(hr)}/${releaseNameOf(hr)}`;
  if (hr.spec?.suspend) {
    deps.log.info('HelmRelease is suspended: its release is left in place');
  } else {
    const access = await deps.clusterAccess(hr);
    try {
      const releases = await listReleases(access.client, storageNamespaceOf(hr), releaseNameOf(hr));
      const latest = releases.at(-1);
      // a release of another tool is never ours to remove; one already uninstalled (kept history) needs nothing
      if (latest && latest.info.status !== 'uninstalled' && isOwnedBy(hr, releases)) {
        await uninstall({ helm: deps.helm, client: access.client, helmArgs: access.helmArgs }, hr);
        deps.log.info({ release: subject }, 'Helm release uninstalled');
        await deps.events
          .record({
            object: hr,
            type: 'Normal',
            reason: Reason.UninstallSucceeded,
            message: `Helm uninstall succeeded for release ${subject}`,
          })
          .catch(() => undefined);
      }
    } finally {
      await access.cleanup();
    }
  }
  const chart = hr.status?.helmChart;
  if (chart) {
    const [namespace = '', name = ''] = chart.split('/');
    await deleteHelmChart(deps.client, namespace, name);
  }
  const finalizers = (hr.metadata.finalizers ?? []).filter((finalizer) => finalizer !== Finalizer);
  await deps.client.patch(
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      namespace: hr.metadata.namespace,
      name: hr.metadata.name ?? '',
    },
    { metadata: { finalizers, resourceVersion: hr.metadata.resourceVersion } },
    'merge',
  );
  return {};
}
