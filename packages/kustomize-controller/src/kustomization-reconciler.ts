// Reconciles one Kustomization: the steps a user would describe, from dependencies to status.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Kustomization, KustomizationStatus, ResourceInventory } from '@fluxion/api';
import {
  ApplyValidationError,
  computeStatus,
  formatGoDuration,
  markFailed,
  markReady,
  markReconciling,
  markStalled,
  removeCondition,
  setCondition,
  setLastHandledReconcileAt,
  setObservedGeneration,
  subjectOf,
  WaitCancelledError,
  type ChangeSet,
  type KStatusResult,
  type EventRecorder,
  type KubeClient,
  type Logger,
  type ObjectKey,
  type ObjectRef,
  type ReconcileResult,
  type Reflector,
  type StatusPatcher,
  type WrittenStatuses,
} from '@fluxion/runtime';
import {
  buildManifests,
  BuildError,
  diskFileSystem,
  objectSubject,
  substituteVariables,
  type FileSystem,
  type KObject,
} from 'kustomize-ts';
import { HealthWaits } from '@fluxion/runtime';
import { isDeepStrictEqual } from 'node:util';
import { AppliedObjectsClient } from './applied-objects.ts';
import { CelCompileError, compileCel } from '@fluxion/runtime/cel';
import { compileHealthCheckExprs } from './health-check-exprs.ts';
import { ClusterClients } from './cluster-clients.ts';
import { decryptBuiltObjects, decryptGeneratorSources } from './decrypt-sources.ts';
import { ownerLabels, stampMetadata } from './common-metadata.ts';
import { checkDependencies, DependencyCycleError, DependencyNotReadyError, keyOf } from './dependencies.ts';
import { finalizeKustomization, KustomizationFinalizer } from './finalize.ts';
import { waitForHealthy } from './health-check.ts';
import { applyIgnoreRules } from './ignore-rules.ts';
import { diffInventory, inventoryFromObjects, inventoryRefs, mergeInventories } from './inventory.ts';
import { applySet } from './apply-set.ts';
import {
  appliedMessage,
  durationOrDefault,
  HealthyCondition,
  manifestsDigest,
  ownedStatus,
  progressingMessage,
  recordHistory,
} from './kustomization-status.ts';
import { ArtifactCache, BuildCache } from './manifest-cache.ts';
import { pruneObjects } from './prune-objects.ts';
import { succeededEventMessage } from './reconcile-events.ts';
import { SourceIndex, type SourceObject } from './source-index.ts';
import { loadSubstitutionVariables, substitutionWanted } from './substitution-vars.ts';
import { loadDecryption } from './load-decryption.ts';

export const RevisionAnnotation = 'kustomize.toolkit.fluxcd.io/revision';

export interface KustomizationReconcilerOptions {
  /** `--no-remote-bases`. */
  noRemoteBases: boolean;
  /** `--requeue-dependency`. */
  requeueDependencyMs: number;
  /** `--no-cross-namespace-refs`. */
  noCrossNamespaceRefs: boolean;
  /** StrictPostBuildSubstitutions: an unset variable without default fails the build. */
  strictSubstitution: boolean;
  /** AdditiveCELDependencyCheck: a readyExpr adds to the built-in readiness check instead of replacing it. */
  additiveCelDependencyCheck?: boolean;
  /** `--artifact-fetch-retries`. */
  artifactFetchRetries: number;
  /** The longest pause between two reads of objects still in progress while waiting for health. */
  healthPollIntervalMs?: number;
}

export interface KustomizationReconcilerDeps {
  /** The controller's own client: Kustomizations, sources, Secrets, Events, status. */
  client: KubeClient;
  kustomizations: Reflector<Kustomization>;
  sources: SourceIndex;
  events: EventRecorder;
  statusPatcher: StatusPatcher;
  clusters: ClusterClients;
  artifacts: ArtifactCache;
  builds: BuildCache;
  waits: HealthWaits;
  /** What this controller last wrote to each status, for reads from a cache that lags behind. */
  written: WrittenStatuses<KustomizationStatus>;
  options: KustomizationReconcilerOptions;
}

/** A reconcile step failed in a way the spec must change to fix: Stalled, not retried until the spec changes. */
class InvalidSpecError extends Error {
  override readonly name = 'InvalidSpecError';
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** What the status of this reconcile works on: the object's metadata and a copy of its status. */
interface Working {
  metadata: { generation?: number; annotations?: Record<string, string> };
  status: KustomizationStatus;
  /** A Reconciling status was written during this reconcile. */
  progressReported?: boolean;
}

const defaultRetryMs = 60_000;

export class KustomizationReconciler {
  private readonly deps: KustomizationReconcilerDeps;

  constructor(deps: KustomizationReconcilerDeps) {
    this.deps = deps;
  }

  readonly reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    const cacheKey = `${key.namespace ?? ''}/${key.name}`;
    const cached = this.deps.kustomizations.get(key.namespace ?? '', key.name);
    if (!cached) {
      this.deps.waits.cancel(cacheKey, 'the Kustomization was deleted');
      this.deps.written.observed(cacheKey, undefined);
      return {};
    }
    if (cached.metadata?.deletionTimestamp) {
      // deletion is rare and patches the finalizer by resourceVersion: read the object itself
      const ref: ObjectRef = {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        namespace: key.namespace,
        name: key.name,
      };
      const current = await this.deps.client.getIfExists<Kustomization>(ref);
      return current ? finalizeKustomization(current, { ...this.deps, log }) : {};
    }
    // the cache, with the status this controller last wrote where the cache has not caught up: its inventory is ours
    const kustomization = { ...this.deps.written.freshest(cacheKey, cached) };
    if (!kustomization.metadata?.finalizers?.includes(KustomizationFinalizer)) {
      await this.addFinalizer(kustomization);
    }
    if (kustomization.spec?.suspend) {
      log.info('Reconciliation is suspended for this object');
      return {};
    }
    return this.reconcileActive(kustomization, log);
  };

  private async reconcileActive(kustomization: Kustomization, log: Logger): Promise<ReconcileResult> {
    const spec = kustomization.spec;
    const intervalMs = durationOrDefault(spec?.interval, defaultRetryMs);
    const retryMs = durationOrDefault(spec?.retryInterval, intervalMs);
    const timeoutMs = durationOrDefault(spec?.timeout, intervalMs);
    const startedAt = new Date();
    const working: Working = {
      metadata: {
        ...(kustomization.metadata?.generation !== undefined ? { generation: kustomization.metadata.generation } : {}),
        ...(kustomization.metadata?.annotations ? { annotations: kustomization.metadata.annotations } : {}),
      },
      status: structuredClone(kustomization.status ?? {}),
    };
    setLastHandledReconcileAt(working);
    const lastAppliedRevision = kustomization.status?.lastAppliedRevision;
    const wasFailing =
      kustomization.status?.conditions?.some(
        (condition) => condition.type === 'Ready' && condition.status === 'False',
      ) ?? false;
    let revision: string | undefined;
    let digest: string | undefined;
    try {
      assertExpressionsCompile(kustomization);
      checkDependencies(
        kustomization,
        (namespace, name) => this.deps.kustomizations.get(namespace, name),
        (dependency) => this.deps.sources.artifactOf(dependency)?.revision,
        { additiveCel: this.deps.options.additiveCelDependencyCheck ?? false },
      );
      const source = this.resolveSource(kustomization);
      const artifact = source.status?.artifact;
      if (!artifact?.url)
        throw new BuildError(
          `Source '${sourceSubject(kustomization)}' is not ready, artifact not found`,
          'ArtifactFailed',
        );
      revision = artifact.revision;

      const objects = await this.build(kustomization, artifact.url, artifact.digest);
      digest = manifestsDigest(objects);
      const target = new AppliedObjectsClient(await this.deps.clusters.forKustomization(kustomization));
      const applied = await this.apply(kustomization, target, objects, working, revision, timeoutMs);
      working.status.lastAttemptedRevision = revision;

      const wasHealthy = getHealthy(working)?.status === 'True';
      const health = await this.checkHealth(kustomization, target, applied, revision, timeoutMs, working, log);
      working.status.lastAppliedRevision = revision;
      setObservedGeneration(working);
      markReady(working, 'ReconciliationSucceeded', appliedMessage(revision));
      if (health !== undefined) {
        setCondition(working, { type: HealthyCondition, status: 'True', reason: 'Succeeded', message: health });
      } else if (!needsHealthCheck(kustomization)) {
        removeCondition(working, HealthyCondition);
      }
      working.status.history = recordHistory(working.status.history, {
        digest,
        revision,
        status: 'ReconciliationSucceeded',
        startedAt,
        finishedAt: new Date(),
      });
      await this.writeStatus(kustomization, working);
      const message = succeededEventMessage({
        changeSet: applied.changeSet,
        revision,
        revisionChanged: lastAppliedRevision !== revision,
        recovered: wasFailing,
        healthRecovered: health !== undefined && !wasHealthy ? health : undefined,
      });
      if (message) await this.event(kustomization, 'Normal', 'ReconciliationSucceeded', message, revision, log);
      log.info(
        { revision, changes: applied.changeSet.changes.length, durationMs: Date.now() - startedAt.getTime() },
        `Reconciliation finished, next run in ${spec?.interval ?? ''}`,
      );
      return { requeueAfter: intervalMs };
    } catch (error) {
      if (error instanceof WaitCancelledError) {
        // a newer revision or spec is queued and finishes the status; the inventory of what was applied must not wait for it
        log.info({ revision, reason: error.message }, 'Health check cancelled');
        await this.writeStatus(kustomization, working);
        return { requeueAfter: 1 };
      }
      return this.fail(kustomization, working, error, {
        revision,
        digest,
        startedAt,
        retryMs,
        requeueDependencyMs: this.deps.options.requeueDependencyMs,
        log,
      });
    }
  }

  private resolveSource(kustomization: Kustomization): SourceObject {
    const reference = kustomization.spec?.sourceRef;
    const namespace = kustomization.metadata?.namespace ?? '';
    if (!reference) throw new InvalidSpecError('InvalidSpec', 'spec.sourceRef is required');
    if (this.deps.options.noCrossNamespaceRefs && reference.namespace && reference.namespace !== namespace) {
      throw new InvalidSpecError(
        'AccessDenied',
        `can't access '${sourceSubject(kustomization)}', cross-namespace references have been blocked`,
      );
    }
    if (!this.deps.sources.supports(reference.kind)) {
      throw new InvalidSpecError(
        'ArtifactFailed',
        `source kind '${reference.kind}' is not supported: use GitRepository, OCIRepository, Bucket or ExternalArtifact`,
      );
    }
    const source = this.deps.sources.get(kustomization);
    if (!source) throw new BuildError(`Source '${sourceSubject(kustomization)}' not found`, 'ArtifactFailed');
    return source;
  }

  /** Fetch, unpack, build and substitute: the objects to apply, stamped with our labels. */
  private async build(kustomization: Kustomization, url: string, digest: string | undefined): Promise<KObject[]> {
    const spec = kustomization.spec;
    const { options } = this.deps;
    const overrides = {
      targetNamespace: spec?.targetNamespace,
      namePrefix: spec?.namePrefix,
      nameSuffix: spec?.nameSuffix,
      patches: spec?.patches,
      images: spec?.images,
      components: spec?.components,
      ignoreMissingComponents: spec?.ignoreMissingComponents,
    };
    const decryption = await loadDecryption(this.deps.client, kustomization);
    const buildKey = JSON.stringify([
      digest ?? url,
      spec?.path ?? '',
      overrides,
      options.noRemoteBases,
      decryption?.fingerprint,
    ]);
    const built = await this.deps.builds.getOrBuild(buildKey, async () => {
      const lease = await this.deps.artifacts.acquire(url, { digest, retries: options.artifactFetchRetries });
      try {
        const decryptor = decryption?.decryptor;
        const objects = await buildManifests(lease.dir, {
          path: spec?.path,
          spec: overrides,
          allowRemoteBases: !options.noRemoteBases,
          ...(decryptor
            ? {
                decryptSources: (fs: FileSystem, dir: string) => decryptGeneratorSources(fs, dir, lease.dir, decryptor),
              }
            : {}),
        });
        // Secrets are decrypted after the build, before substitution, as Flux does
        return decryptor ? await decryptBuiltObjects(objects, decryptor, diskFileSystem(), lease.dir) : objects;
      } finally {
        lease.release();
      }
    });
    built.forEach(assertIdentifiable);
    const substituted = substitutionWanted(kustomization)
      ? substituteVariables(built, await loadSubstitutionVariables(this.deps.client, kustomization), {
          strict: options.strictSubstitution,
        })
      : built;
    return stampMetadata(
      substituted,
      { name: kustomization.metadata?.name ?? '', namespace: kustomization.metadata?.namespace ?? '' },
      spec?.commonMetadata,
    );
  }

  /**
   * Apply, then prune what left the inventory. Before the first write of an object the inventory lacks, the inventory
   * with it is written (with a Reconciling condition), so a controller killed mid-apply loses track of nothing.
   */
  private async apply(
    kustomization: Kustomization,
    target: KubeClient,
    objects: KObject[],
    working: Working,
    revision: string,
    timeoutMs: number,
  ): Promise<{ changeSet: ChangeSet; inventory: ResourceInventory }> {
    const previous = kustomization.status?.inventory;
    const inventory = inventoryFromObjects(objects as KubernetesObject[]);
    const { added, removed } = diffInventory(previous, inventory);
    if (added.length > 0) {
      working.status.inventory = mergeInventories(previous, inventory);
      await this.reportProgress(kustomization, working, progressingMessage(revision, timeoutMs), revision);
    }
    let changeSet: ChangeSet;
    try {
      const ignore = kustomization.spec?.ignore;
      const desired = ignore?.length
        ? await applyIgnoreRules(target, objects as KubernetesObject[], ignore)
        : (objects as KubernetesObject[]);
      changeSet = await applySet(target, desired, { force: kustomization.spec?.force ?? false });
    } catch (error) {
      // a rejected dry-run wrote nothing of its stage: track what earlier stages applied; any other failure may
      // have written any object of the set, so all of them stay tracked
      working.status.inventory =
        error instanceof ApplyValidationError
          ? mergeInventories(previous, appliedSubset(objects, error.changeSet))
          : mergeInventories(previous, inventory);
      throw error;
    }
    working.status.inventory = inventory;
    if (kustomization.spec?.prune && removed.length > 0) {
      try {
        const pruned = await pruneObjects(target, removed, {
          name: kustomization.metadata?.name ?? '',
          namespace: kustomization.metadata?.namespace ?? '',
        });
        changeSet.add(...pruned.entries);
      } catch (error) {
        // objects that failed to go stay tracked, so the next reconcile tries again
        working.status.inventory = mergeInventories(inventory, { entries: removed });
        throw error;
      }
    }
    return { changeSet, inventory };
  }

  /**
   * Waits for every applied object (spec.wait) or the listed healthChecks to be Current; returns the Healthy message,
   * or undefined when nothing is checked. Starts from the copies the apply returned; a newer source revision or spec
   * cancels the wait; a wait that has to poll says so in status first.
   */
  private async checkHealth(
    kustomization: Kustomization,
    target: AppliedObjectsClient,
    applied: { changeSet: ChangeSet; inventory: ResourceInventory },
    revision: string,
    timeoutMs: number,
    working: Working,
    log: Logger,
  ): Promise<string | undefined> {
    const spec = kustomization.spec;
    const namespace = kustomization.metadata?.namespace ?? '';
    let refs: ObjectRef[];
    if (spec?.wait) {
      // as Flux: objects the user chose to have skipped are not waited for
      const skipped = new Set(
        applied.changeSet.entries.filter((entry) => entry.action === 'skipped').map((entry) => entry.subject),
      );
      refs = inventoryRefs(applied.inventory).filter(
        (ref) => !skipped.has(subjectOf({ kind: ref.kind, namespace: ref.namespace ?? '', name: ref.name })),
      );
    } else if (spec?.healthChecks?.length) {
      refs = spec.healthChecks.map((check, index) => ({
        apiVersion:
          check.apiVersion ??
          versionFromInventory(applied.inventory, check.kind, check.name, check.namespace ?? namespace, index),
        kind: check.kind,
        name: check.name,
        namespace: check.namespace ?? namespace,
      }));
    } else {
      return undefined;
    }
    const healthy = getHealthy(working);
    const wait = this.deps.waits.begin(keyOf(kustomization), revision, kustomization.metadata?.generation);
    const started = performance.now();
    try {
      await waitForHealthy(target, refs, target.seen, {
        timeoutMs,
        signal: wait.signal,
        ...(this.deps.options.healthPollIntervalMs ? { maxIntervalMs: this.deps.options.healthPollIntervalMs } : {}),
        ownerLabels: spec?.wait ? ownerLabels(kustomization.metadata?.name ?? '', namespace) : undefined,
        ...(spec?.healthCheckExprs?.length
          ? { statusOf: statusWithExpressions(compileHealthCheckExprs(spec.healthCheckExprs)) }
          : {}),
        onPending: () =>
          this.reportProgress(
            kustomization,
            working,
            `Running health checks for revision ${revision} with a timeout of ${formatGoDuration(timeoutMs)}`,
            revision,
          ),
      });
    } catch (error) {
      if (!(error instanceof WaitCancelledError)) {
        setCondition(working, {
          type: HealthyCondition,
          status: 'False',
          reason: 'HealthCheckFailed',
          message: (error as Error).message,
        });
      }
      throw error;
    } finally {
      wait.end();
    }
    log.debug({ objects: refs.length }, 'Health check passed');
    // an unchanged revision that was healthy and still is keeps its message, so the status does not change
    if (healthy?.status === 'True' && working.status.lastAppliedRevision === revision) return healthy.message;
    return `Health check passed in ${formatSeconds(performance.now() - started)}`;
  }

  /** Writes Reconciling (once per reconcile) with the inventory so far: work that takes a while shows in status. */
  private async reportProgress(
    kustomization: Kustomization,
    working: Working,
    message: string,
    revision: string,
  ): Promise<void> {
    markReconciling(working, 'Progressing', message);
    working.status.lastAttemptedRevision = revision;
    if (working.progressReported) return;
    working.progressReported = true;
    await this.writeStatus(kustomization, working);
  }

  private async fail(
    kustomization: Kustomization,
    working: Working,
    error: unknown,
    context: {
      revision: string | undefined;
      digest: string | undefined;
      startedAt: Date;
      retryMs: number;
      requeueDependencyMs: number;
      log: Logger;
    },
  ): Promise<ReconcileResult> {
    const reason = reasonOf(error);
    const message = error instanceof Error ? error.message : String(error);
    if (context.revision) working.status.lastAttemptedRevision = context.revision;
    setObservedGeneration(working);
    if (
      error instanceof InvalidSpecError ||
      error instanceof DependencyCycleError ||
      error instanceof CelCompileError
    ) {
      markStalled(working, reason, message);
    } else if (error instanceof DependencyNotReadyError) {
      markFailed(working, reason, message);
    } else {
      markFailed(working, reason, message);
    }
    if (context.digest && context.revision) {
      working.status.history = recordHistory(working.status.history, {
        digest: context.digest,
        revision: context.revision,
        status: reason,
        startedAt: context.startedAt,
        finishedAt: new Date(),
      });
    }
    try {
      await this.writeStatus(kustomization, working);
    } catch (statusError) {
      context.log.error({ err: statusError }, 'Failed to write the failure to status');
      throw error;
    }
    if (error instanceof DependencyNotReadyError) {
      context.log.info(
        { reason: message },
        `Dependencies do not meet ready condition, retrying in ${Math.round(context.requeueDependencyMs / 1000)}s`,
      );
      return { requeueAfter: context.requeueDependencyMs };
    }
    context.log.error({ reason, err: error }, 'Reconciliation failed');
    await this.event(kustomization, 'Warning', reason, message, context.revision, context.log);
    if (error instanceof InvalidSpecError || error instanceof DependencyCycleError || error instanceof CelCompileError)
      return {};
    return { requeueAfter: context.retryMs };
  }

  private async addFinalizer(kustomization: Kustomization): Promise<void> {
    const finalizers = [...(kustomization.metadata?.finalizers ?? []), KustomizationFinalizer];
    const updated = await this.deps.client.patch<Kustomization>(
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        namespace: kustomization.metadata?.namespace,
        name: kustomization.metadata?.name ?? '',
      },
      { metadata: { finalizers, resourceVersion: kustomization.metadata?.resourceVersion } },
      'merge',
    );
    kustomization.metadata = {
      ...kustomization.metadata,
      finalizers,
      resourceVersion: updated.metadata?.resourceVersion ?? '',
    };
  }

  /** Writes the owned status fields if they changed; an unchanged reconcile writes nothing. */
  private async writeStatus(kustomization: Kustomization, working: Working): Promise<void> {
    const next = ownedStatus(working.status);
    if (isDeepStrictEqual(next, ownedStatus(kustomization.status ?? {}))) return;
    const written = await this.deps.statusPatcher.patch(kustomization, next);
    kustomization.status = structuredClone(next);
    kustomization.metadata = { ...kustomization.metadata, resourceVersion: written.resourceVersion };
    this.deps.written.remember(keyOf(kustomization), kustomization.metadata.uid ?? '', written.resourceVersion, next);
  }

  private async event(
    kustomization: Kustomization,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    revision: string | undefined,
    log: Logger,
  ): Promise<void> {
    try {
      await this.deps.events.record({
        object: kustomization,
        type,
        reason,
        message,
        ...(revision ? { annotations: { [RevisionAnnotation]: revision } } : {}),
      });
    } catch (error) {
      log.warn({ err: error, reason }, 'Failed to record an Event');
    }
  }
}

/** kstatus, except for the objects an expression of spec.healthCheckExprs covers. */
function statusWithExpressions(
  judge: (object: KubernetesObject) => KStatusResult | undefined,
): (object: KubernetesObject | undefined) => KStatusResult {
  return (object) =>
    (object && !object.metadata?.deletionTimestamp ? judge(object) : undefined) ?? computeStatus(object);
}

function getHealthy(working: Working) {
  return working.status.conditions?.find((condition) => condition.type === HealthyCondition);
}

function needsHealthCheck(kustomization: Kustomization): boolean {
  return Boolean(kustomization.spec?.wait || kustomization.spec?.healthChecks?.length);
}

/** Every CEL expression of the spec compiles, or the Kustomization is Stalled naming the first that does not. */
function assertExpressionsCompile(kustomization: Kustomization): void {
  const spec = kustomization.spec;
  spec?.dependsOn?.forEach((dependency, index) => {
    if (dependency.readyExpr) compileCel(dependency.readyExpr, `spec.dependsOn[${index}].readyExpr`);
  });
  if (spec?.healthCheckExprs?.length) compileHealthCheckExprs(spec.healthCheckExprs);
}

function assertIdentifiable(object: KObject, index: number): void {
  if (!object.apiVersion || !object.kind || !object.metadata?.name) {
    throw new BuildError(
      `object #${index + 1} of the build (${objectSubject(object)}) lacks apiVersion, kind or metadata.name`,
    );
  }
}

/** The condition reasons this controller reports; anything else (an API error's own reason) is ReconciliationFailed. */
const knownReasons = new Set([
  'ArtifactFailed',
  'BuildFailed',
  'ReconciliationFailed',
  'PruneFailed',
  'HealthCheckFailed',
  'DependencyNotReady',
  'AccessDenied',
  'UnsupportedField',
  'InvalidSpec',
  'DecryptionFailed',
  'InvalidCELExpression',
]);

function reasonOf(error: unknown): string {
  const reason = (error as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' && knownReasons.has(reason) ? reason : 'ReconciliationFailed';
}

/** A health check without apiVersion takes the version of the applied object it names. */
function versionFromInventory(
  inventory: ResourceInventory,
  kind: string,
  name: string,
  namespace: string,
  index: number,
): string {
  const found =
    inventoryRefs(inventory).find(
      (ref) => ref.kind === kind && ref.name === name && (ref.namespace ?? '') === namespace,
    ) ?? inventoryRefs(inventory).find((ref) => ref.kind === kind && ref.name === name);
  if (!found)
    throw new InvalidSpecError(
      'InvalidSpec',
      `spec.healthChecks[${index}] (${kind}/${namespace}/${name}) has no apiVersion and is not one of the applied objects; set its apiVersion`,
    );
  return found.apiVersion;
}

/** The objects of the set that a partial change set says were applied or left as they were. */
function appliedSubset(objects: readonly KObject[], partial: ChangeSet): ResourceInventory {
  const applied = new Set(partial.entries.filter((entry) => entry.action !== 'skipped').map((entry) => entry.subject));
  return inventoryFromObjects(
    (objects as readonly KubernetesObject[]).filter((object) =>
      applied.has(
        subjectOf({
          kind: object.kind ?? '',
          namespace: object.metadata?.namespace ?? '',
          name: object.metadata?.name ?? '',
        }),
      ),
    ),
  );
}

function sourceSubject(kustomization: Kustomization): string {
  const reference = kustomization.spec?.sourceRef;
  return `${reference?.kind ?? ''}/${reference?.namespace || kustomization.metadata?.namespace || ''}/${reference?.name ?? ''}`;
}

function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)}s`;
}
