// OCIRepository → artifact: finalizer, suspend, spec, registry access, resolve the digest (HEAD), pull the layer only
// when the digest or the spec changed, extract or copy it, filter, store, status and events.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OCIRepository, ConditionType, Reason } from '@fluxion/api';
import {
  type KubeClient,
  type Logger,
  type ObjectKey,
  type ReconcileResult,
  RegistryClient,
  removeCondition,
  SecretError,
} from '@fluxion/runtime';
import { resolveRegistryAccess } from './ocirepository-access.ts';
import {
  defaultPullLimits,
  OciPullError,
  pullLayer,
  resolveArtifact,
  type PullLimits,
  type ResolvedArtifact,
} from './ocirepository-pull.ts';
import { type OCIRepositoryPlan, validateOCIRepositorySpec } from './ocirepository-spec.ts';
import { loadIgnoreMatcher, SourceIgnoreError } from './source-ignore.ts';
import { SourceLifecycle, type SourceReconcilerOptions } from './source-lifecycle.ts';
import type { SourceRun } from './source-run.ts';
import { stableJson } from './stable-json.ts';
import type { Artifact, ArtifactStorage } from './storage.ts';

export const ociRepositoryKind = 'OCIRepository';

type OCIRepositoryStatus = NonNullable<OCIRepository['status']>;

export interface OCIRepositoryReconcilerOptions extends SourceReconcilerOptions<OCIRepository> {
  /** Where layers are pulled and extracted (default the OS temp directory). */
  workDirectory?: string;
  limits?: PullLimits;
}

export class OCIRepositoryReconciler {
  readonly #lifecycle: SourceLifecycle<OCIRepository>;
  readonly client: KubeClient;
  readonly storage: ArtifactStorage;
  readonly workDirectory: string;
  readonly limits: PullLimits;

  constructor(options: OCIRepositoryReconcilerOptions) {
    this.#lifecycle = new SourceLifecycle(ociRepositoryKind, options);
    this.client = options.client;
    this.storage = options.storage;
    this.workDirectory = options.workDirectory ?? tmpdir();
    this.limits = options.limits ?? defaultPullLimits;
  }

  readonly reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    const run = await this.#lifecycle.begin(key, log);
    if (!run) return {};
    return new OciReconcileRun(this, run).execute();
  };
}

class OciReconcileRun {
  readonly #reconciler: OCIRepositoryReconciler;
  readonly #run: SourceRun<OCIRepository>;

  constructor(reconciler: OCIRepositoryReconciler, run: SourceRun<OCIRepository>) {
    this.#reconciler = reconciler;
    this.#run = run;
  }

  get #status(): OCIRepositoryStatus {
    return this.#run.status;
  }

  async execute(): Promise<ReconcileResult> {
    const run = this.#run;
    const plan = await run.planOrStall(() => validateOCIRepositorySpec(run.object.spec));
    if (!plan) return {};
    removeCondition(run.work, ConditionType.SourceVerified);

    const access = await run.step(
      ConditionType.FetchFailed,
      () => resolveRegistryAccess(this.#reconciler.client, run.owner.namespace, plan),
      { errors: [SecretError] },
    );
    const registry = new RegistryClient(access);
    try {
      const resolved = await run.step(ConditionType.FetchFailed, () => resolveArtifact(registry, plan), {
        errors: [OciPullError],
      });
      if (await this.#artifactUpToDate(plan, resolved)) {
        // The digest is unchanged: nothing was downloaded, the stored artifact stands.
        removeCondition(run.work, ConditionType.FetchFailed);
        run.keepArtifact(this.#status.artifact!);
        this.#status.url = this.#reconciler.storage.artifactUrl(this.#status.artifact!.path);
      } else {
        await this.#pullAndStore(registry, plan, resolved);
      }
    } finally {
      registry.close();
    }

    await run.succeed(`stored artifact for digest '${this.#status.artifact!.revision}'`);
    return { requeueAfter: plan.intervalMs };
  }

  async #pullAndStore(registry: RegistryClient, plan: OCIRepositoryPlan, resolved: ResolvedArtifact): Promise<void> {
    const run = this.#run;
    const previous = run.object.status?.artifact;
    run.markOutdated(resolved.revision, `new revision '${resolved.revision}' for '${plan.url}'`);
    const workDirectory = await mkdtemp(
      join(this.#reconciler.workDirectory, `ocirepository-${run.owner.namespace}-${run.owner.name}-`),
    );
    try {
      const pulled = await run.step(
        ConditionType.FetchFailed,
        () => pullLayer(registry, plan, resolved, workDirectory, this.#reconciler.limits),
        { errors: [OciPullError] },
      );
      removeCondition(run.work, ConditionType.FetchFailed);
      const storage = this.#reconciler.storage;
      const fileName = artifactFileName(resolved.digest, plan);
      const artifact = await run.step(
        ConditionType.StorageOperationFailed,
        async (): Promise<Artifact> => {
          let stored: Artifact;
          if (pulled.operation === 'copy') {
            stored = await storage.write(run.owner, resolved.revision, fileName, createReadStream(pulled.path));
          } else {
            const ignore = await loadIgnoreMatcher(pulled.path, plan.ignore);
            stored = await storage.archive(run.owner, resolved.revision, pulled.path, {
              fileName,
              exclude: (path, isDirectory) => ignore.excludes(path, isDirectory),
            });
          }
          await storage.linkLatest(stored);
          return stored;
        },
        { errors: [SourceIgnoreError], reason: Reason.ArchiveOperationFailed },
      );
      const annotations = pulled.manifest.annotations;
      this.#status.artifact = {
        ...artifact,
        ...(annotations && Object.keys(annotations).length > 0 ? { metadata: annotations } : {}),
      };
      this.#status.url = artifact.url;
      setOrDelete(this.#status, 'observedIgnore', plan.ignore);
      setOrDelete(
        this.#status,
        'observedLayerSelector',
        plan.layerSelector
          ? {
              ...(plan.layerSelector.mediaType ? { mediaType: plan.layerSelector.mediaType } : {}),
              operation: plan.layerSelector.operation,
            }
          : undefined,
      );
      if (previous?.revision !== artifact.revision || previous?.digest !== artifact.digest) {
        run.log.info({ revision: artifact.revision, digest: artifact.digest }, 'Stored a new artifact');
        run.eventOnSuccess(
          'Normal',
          'NewArtifact',
          `stored artifact with revision '${artifact.revision}' from '${plan.url}'`,
          artifact.revision,
        );
      }
      await run.collectGarbage(artifact);
    } finally {
      await rm(workDirectory, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  // Same revision, same spec-shaped inputs, and the file still there: a HEAD was all this cycle needed.
  async #artifactUpToDate(plan: OCIRepositoryPlan, resolved: ResolvedArtifact): Promise<boolean> {
    const status = this.#run.object.status;
    if (!status?.artifact || status.artifact.revision !== resolved.revision) return false;
    if (!(await this.#reconciler.storage.exists(status.artifact))) return false;
    const observedSelector = status.observedLayerSelector
      ? {
          mediaType: status.observedLayerSelector.mediaType,
          operation: status.observedLayerSelector.operation ?? 'extract',
        }
      : undefined;
    return (
      status.observedIgnore === plan.ignore &&
      stableJson(observedSelector ?? null) === stableJson(plan.layerSelector ?? null)
    );
  }
}

/** `<manifest digest hex>.tar.gz`, with a hash of ignore rules and the layer selector when they shape the content. */
export function artifactFileName(digest: string, plan: OCIRepositoryPlan): string {
  const hex = digest.split(':')[1] ?? digest;
  if (plan.ignore === undefined && !plan.layerSelector) return `${hex}.tar.gz`;
  const inputs = stableJson({ ignore: plan.ignore, layerSelector: plan.layerSelector });
  return `${hex}-${createHash('sha256').update(inputs).digest('hex').slice(0, 12)}.tar.gz`;
}

function setOrDelete<K extends keyof OCIRepositoryStatus>(
  status: OCIRepositoryStatus,
  key: K,
  value: OCIRepositoryStatus[K] | undefined,
): void {
  if (value === undefined) delete status[key];
  else status[key] = value;
}
