// HelmRepository → artifact: finalizer, suspend, spec, Secrets, fetch index.yaml, parse and sort it, store it as
// `index-<sha256>.yaml` with revision `sha256:<hex>`, status and events. `type: oci` has no artifact, as in Flux.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type HelmRepository, ConditionType, Reason } from '@fluxion/api';
import { type Logger, type ObjectKey, type ReconcileResult, markReady, removeCondition } from '@fluxion/runtime';
import { parseHelmIndex } from './helm-index.ts';
import { ociChartReference, ociRegistryOptions } from './helm-oci-pull.ts';
import { resolveHelmRepositoryAccess } from './helm-repository-access.ts';
import { type HelmRepositoryPlan, planHelmRepository } from './helmrepository-spec.ts';
import { download } from './http-download.ts';
import { redactUrl } from './fetch-error.ts';
import { SourceLifecycle, type SourceReconcilerOptions } from './source-lifecycle.ts';
import type { SourceRun } from './source-run.ts';
import { stableJson } from './stable-json.ts';

export const helmRepositoryKind = 'HelmRepository';
/** Name of the link to the latest stored index, whose URL goes to `status.url`. */
export const latestIndexLinkName = 'index.yaml';
/** Flux's message on an OCI HelmRepository, which only holds the registry's address and credentials. */
export const ociHelmRepositoryReadyMessage = 'Helm repository is ready';

export interface HelmRepositoryReconcilerOptions extends SourceReconcilerOptions<HelmRepository> {
  /** `--helm-index-max-size`: a larger index is refused (default 50 MiB, as Flux). */
  indexMaxBytes?: number;
}

export const defaultHelmIndexMaxBytes = 50 * 1024 * 1024;

export class HelmRepositoryReconciler {
  readonly #options: HelmRepositoryReconcilerOptions;
  readonly #lifecycle: SourceLifecycle<HelmRepository>;

  constructor(options: HelmRepositoryReconcilerOptions) {
    this.#options = options;
    this.#lifecycle = new SourceLifecycle(helmRepositoryKind, options);
  }

  readonly reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    const run = await this.#lifecycle.begin(key, log);
    if (!run) return {};
    const plan = await run.step(ConditionType.FetchFailed, () => planHelmRepository(run.object.spec));
    removeCondition(run.work, ConditionType.Stalled);
    if (plan.type === 'oci') return this.#reconcileOci(run, plan);
    return this.#reconcileIndex(run, plan);
  };

  // No artifact: the object only carries the registry and its credentials for HelmCharts; the Secret must exist.
  async #reconcileOci(run: SourceRun<HelmRepository>, plan: HelmRepositoryPlan): Promise<ReconcileResult> {
    // The Secret must be readable and hold registry credentials (.dockerconfigjson or username/password).
    await run.step(ConditionType.FetchFailed, () =>
      ociRegistryOptions(this.#options.client, run.object, ociChartReference(plan.url, '').registry),
    );
    if (run.status.artifact) {
      await this.#options.storage.removeAll(run.owner);
      delete run.status.artifact;
      delete run.status.url;
    }
    for (const type of [
      ConditionType.FetchFailed,
      ConditionType.ArtifactInStorage,
      ConditionType.ArtifactOutdated,
      ConditionType.StorageOperationFailed,
    ]) {
      removeCondition(run.work, type);
    }
    markReady(run.work, Reason.Succeeded, ociHelmRepositoryReadyMessage);
    await run.finish();
    return plan.intervalMs ? { requeueAfter: plan.intervalMs } : {};
  }

  async #reconcileIndex(run: SourceRun<HelmRepository>, plan: HelmRepositoryPlan): Promise<ReconcileResult> {
    const { storage } = this.#options;
    const { owner } = run;
    const access = await run.step(ConditionType.FetchFailed, () =>
      resolveHelmRepositoryAccess(this.#options.client, owner.namespace, run.object.spec!),
    );
    const { body } = await run.step(ConditionType.FetchFailed, () =>
      download(plan.indexUrl, {
        timeoutMs: plan.timeoutMs,
        maxBytes: this.#options.indexMaxBytes ?? defaultHelmIndexMaxBytes,
        reason: 'IndexationFailed',
        what: 'Helm repository index',
        ...(access.basicAuth ? { basicAuth: access.basicAuth } : {}),
        ...(access.tls ? { tls: access.tls } : {}),
      }),
    );
    const index = await run.step(ConditionType.FetchFailed, () =>
      parseHelmIndex(body.toString('utf8'), redactUrl(plan.indexUrl)),
    );
    removeCondition(run.work, ConditionType.FetchFailed);

    // Stored sorted as JSON (valid YAML): equal entries give an equal revision, and consumers parse it fast.
    const content = Buffer.from(stableJson(index));
    const hex = createHash('sha256').update(content).digest('hex');
    const revision = `sha256:${hex}`;
    const previous = run.object.status?.artifact;
    if (previous?.revision === revision && (await storage.exists(previous))) {
      run.keepArtifact(previous);
    } else {
      run.markOutdated(revision, `new index revision '${revision}'`);
      const artifact = await run.step(ConditionType.StorageOperationFailed, () =>
        storage.write(owner, revision, `index-${hex}.yaml`, Readable.from([content])),
      );
      run.status.artifact = artifact;
      run.status.url = await run.step(ConditionType.StorageOperationFailed, () =>
        storage.linkLatest(artifact, latestIndexLinkName),
      );
      run.eventOnSuccess(
        'Normal',
        'NewArtifact',
        `stored fetched index of size ${humanSize(content.length)} from '${redactUrl(plan.url)}'`,
        revision,
      );
      await run.collectGarbage(artifact);
    }
    run.status.url ??= storage.artifactUrl(`${storage.artifactDirectory(owner)}/${latestIndexLinkName}`);
    await run.succeed(`stored artifact: revision '${revision}'`);
    return plan.intervalMs ? { requeueAfter: plan.intervalMs } : {};
  }
}

// Sizes as Flux's events print them (decimal units).
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0).replace(/\.?0+$/, '')} ${units[unit]}`;
}
