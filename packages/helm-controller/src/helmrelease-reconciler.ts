// Reconciles one HelmRelease, as Flux's steps: chart → artifact → values → decide → act → health → remediate → test
// → drift → status and events.
import type { HelmChart, HelmRelease, HelmReleaseStatus } from '@fluxion/api';
import {
  formatGoDuration,
  markFailed,
  markReady,
  markReconciling,
  markStalled,
  parseGoDuration,
  removeCondition,
  setCondition,
  setLastHandledReconcileAt,
  setObservedGeneration,
  WaitCancelledError,
  type EventRecorder,
  type HealthWaits,
  type KubeClient,
  type Logger,
  type ObjectKey,
  type ReconcileResult,
  type Reflector,
  type StatusPatcher,
  type WrittenStatuses,
} from '@fluxion/runtime';
import { isDeepStrictEqual } from 'node:util';
import { ChartArtifacts } from './chart-artifact.ts';
import { applyChartCrds } from './chart-crds.ts';
import {
  chartArtifactOf,
  helmChartKeyOf,
  reconcileHelmChart,
  type ChartArtifact,
  type ChartSources,
} from './chart-source.ts';
import { clusterAccessFor, type ClusterAccess } from './cluster-access.ts';
import { checkDependencies, DependencyNotReadyError, type DependencyLookup } from './dependencies.ts';
import { sha1Of, sha256Of } from './digests.ts';
import { correctDrift, describeDrift, detectDrift } from './drift.ts';
import { finalizeHelmRelease } from './finalize.ts';
import { releaseNameOf, releaseNamespaceOf, storageNamespaceOf, timeoutOf } from './helm-args.ts';
import type { HelmRunner } from './helm-cli.ts';
import { decide, onFailure, retryDelayMs, type DesiredRelease } from './release-decision.ts';
import { recordRelease, resetFailures } from './release-history.ts';
import { inventoryOf, releaseObjects } from './release-objects.ts';
import {
  installOrUpgrade,
  ReleaseActionError,
  rollback,
  runTests,
  uninstall,
  type RunContext,
} from './release-runner.ts';
import { listReleases, previousDeployed, unlockRelease, type StoredRelease } from './release-storage.ts';
import {
  Finalizer,
  ForceRequestAnnotation,
  Reason,
  ReleasedCondition,
  RemediatedCondition,
  ResetRequestAnnotation,
  RevisionAnnotation,
  TestSuccessCondition,
  TokenAnnotation,
} from './reasons.ts';
import { clientDataReader, composeValues, type Values } from './values.ts';
import { assertSupported, reasonOf, StalledError } from './spec-support.ts';

export interface HelmReleaseReconcilerOptions {
  defaultServiceAccount: string;
  noCrossNamespaceRefs: boolean;
  requeueDependencyMs: number;
  healthPollIntervalMs?: number;
}

export interface HelmReleaseReconcilerDeps {
  client: KubeClient;
  helmReleases: Reflector<HelmRelease>;
  dependencies: DependencyLookup;
  sources: ChartSources;
  artifacts: ChartArtifacts;
  helm: HelmRunner;
  events: EventRecorder;
  statusPatcher: StatusPatcher;
  /** The status last written to each HelmRelease, for reconciles that read the watch cache. */
  written: WrittenStatuses<HelmReleaseStatus>;
  waits: HealthWaits;
  options: HelmReleaseReconcilerOptions;
}

interface Working {
  metadata: { generation?: number; annotations?: Record<string, string> };
  status: HelmReleaseStatus;
}

const defaultIntervalMs = 10 * 60_000;

export class HelmReleaseReconciler {
  private readonly deps: HelmReleaseReconcilerDeps;

  constructor(deps: HelmReleaseReconcilerDeps) {
    this.deps = deps;
  }

  readonly reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    const cacheKey = `${key.namespace ?? ''}/${key.name}`;
    const cached = this.deps.helmReleases.get(key.namespace ?? '', key.name);
    if (!cached) {
      this.deps.waits.cancel(cacheKey, 'the HelmRelease was deleted');
      this.deps.written.observed(cacheKey, undefined);
      return {};
    }
    if (cached.metadata?.deletionTimestamp) {
      // deletion is rare and patches the finalizer by resourceVersion: read the object itself
      const current = await this.deps.client.getIfExists<HelmRelease>(refOf(cached));
      if (!current) return {};
      return finalizeHelmRelease(current, { ...this.deps, log, clusterAccess: (release) => this.access(release) });
    }
    // counters and history drive decisions: the cache, with the status this controller last wrote where it lags
    const hr = { ...this.deps.written.freshest(cacheKey, cached) };
    if (!hr.metadata?.finalizers?.includes(Finalizer)) await this.addFinalizer(hr);
    if (hr.spec?.suspend) {
      log.info('Reconciliation is suspended for this object');
      return {};
    }
    return this.reconcileActive(hr, cacheKey, log);
  };

  private async reconcileActive(hr: HelmRelease, cacheKey: string, log: Logger): Promise<ReconcileResult> {
    const intervalMs = hr.spec?.interval ? parseGoDuration(hr.spec.interval) : defaultIntervalMs;
    const working: Working = {
      metadata: {
        ...(hr.metadata?.generation !== undefined ? { generation: hr.metadata.generation } : {}),
        ...(hr.metadata?.annotations ? { annotations: hr.metadata.annotations } : {}),
      },
      status: structuredClone(hr.status ?? {}),
    };
    setLastHandledReconcileAt(working);
    const forceAt = hr.metadata?.annotations?.[ForceRequestAnnotation];
    const resetAt = hr.metadata?.annotations?.[ResetRequestAnnotation];
    const forceRequested = forceAt !== undefined && forceAt !== hr.status?.lastHandledForceAt;
    if (resetAt !== undefined && resetAt !== hr.status?.lastHandledResetAt) {
      working.status.lastHandledResetAt = resetAt;
      resetFailures(working.status);
    }
    let chartVersion: string | undefined;
    let access: ClusterAccess | undefined;
    try {
      assertSupported(hr, this.deps.helm);
      checkDependencies(hr, this.deps.dependencies);
      const ownChart = await this.chartFor(hr, working);
      const artifact = await chartArtifactOf(this.deps.sources, hr, ownChart);
      const chart = await this.deps.artifacts.metadataOf(artifact);
      chartVersion = chart.version;
      const values = await composeValues(hr, clientDataReader(this.deps.client));
      const desired: DesiredRelease = {
        chartName: chart.name,
        chartVersion: chart.version,
        configDigest: sha256Of(values),
        postRenderersDigest: sha256Of(hr.spec?.postRenderers ?? null),
        commonMetadataDigest: sha256Of(hr.spec?.commonMetadata ?? null),
      };
      const newAttempt =
        working.status.lastAttemptedRevision !== chart.version ||
        working.status.lastAttemptedConfigDigest !== desired.configDigest ||
        working.status.lastAttemptedGeneration !== hr.metadata?.generation;
      if (newAttempt) resetFailures(working.status);
      access = await this.access(hr);
      const context: RunContext = {
        helm: this.deps.helm,
        client: access.client,
        helmArgs: access.helmArgs,
        healthPollIntervalMs: this.deps.options.healthPollIntervalMs,
      };
      // A consistent list waits on the API server (~80 ms of a 120 ms unchanged reconcile under load); the cached one
      // is trusted only when it agrees with our history that nothing needs doing. Any action is decided afresh.
      let releases = await listReleases(access.client, storageNamespaceOf(hr), releaseNameOf(hr), { fromCache: true });
      let decision = decide(hr, desired, releases);
      if (decision.action !== 'none' || forceRequested) {
        releases = await listReleases(access.client, storageNamespaceOf(hr), releaseNameOf(hr));
        decision = decide(hr, desired, releases);
      }
      if (decision.action === 'unlock') {
        await unlockRelease(
          access.client,
          decision.release,
          storageNamespaceOf(hr),
          `Release unlocked from stale state (${decision.reason})`,
        );
        const stale = decision.release;
        const message = `Helm release ${stale.namespace}/${stale.name}.v${stale.version} was ${stale.info.status} with no action running; marked failed`;
        await this.event(hr, 'Warning', Reason.ReleaseUnlocked, message, chart.version, desired.configDigest, log);
        releases = await listReleases(access.client, storageNamespaceOf(hr), releaseNameOf(hr));
        decision = decide(hr, desired, releases);
      }
      if (decision.action === 'refuse') throw new StalledError(Reason.ReleaseNotOwned, decision.reason);
      if (decision.action === 'none' && forceRequested)
        decision = { action: 'upgrade', reason: `forced by ${ForceRequestAnnotation}` };
      if (forceAt !== undefined) working.status.lastHandledForceAt = forceAt;
      if (decision.action === 'none') {
        await this.inSync(hr, working, releases, desired, context, log);
        return { requeueAfter: intervalMs };
      }
      if (decision.action === 'unlock')
        throw new Error(`release is still ${decision.release.info.status} after unlocking it`);
      const action = decision.action === 'install' ? 'install' : 'upgrade';
      const failures =
        action === 'install' ? (working.status.installFailures ?? 0) : (working.status.upgradeFailures ?? 0);
      if (!newAttempt && failures > 0 && onFailure(hr, action, failures).stalled) {
        // retries are exhausted for this chart and values: nothing new is tried until they change
        return { requeueAfter: intervalMs };
      }
      log.info({ action, reason: decision.reason }, `Running Helm ${action}`);
      return await this.act(hr, working, {
        action,
        artifact,
        desired,
        values,
        releases,
        context,
        cacheKey,
        intervalMs,
        log,
      });
    } catch (error) {
      return this.fail(hr, working, error, { chartVersion, intervalMs, log });
    } finally {
      await access?.cleanup();
    }
  }

  /** Creates or updates the HelmChart of spec.chart and records it in status.helmChart. */
  private async chartFor(hr: HelmRelease, working: Working): Promise<HelmChart | undefined> {
    const key = helmChartKeyOf(hr);
    const previous = working.status.helmChart;
    if (!key) {
      if (previous) {
        const [namespace = '', name = ''] = previous.split('/');
        await this.deps.client.deleteIfExists({
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'HelmChart',
          namespace,
          name,
        });
        delete working.status.helmChart;
      }
      return undefined;
    }
    const chart = await reconcileHelmChart(this.deps.sources, hr);
    working.status.helmChart = `${key.namespace}/${key.name}`;
    return chart;
  }

  private async act(
    hr: HelmRelease,
    working: Working,
    step: {
      action: 'install' | 'upgrade';
      artifact: ChartArtifact;
      desired: DesiredRelease;
      values: Values;
      releases: StoredRelease[];
      context: RunContext;
      cacheKey: string;
      intervalMs: number;
      log: Logger;
    },
  ): Promise<ReconcileResult> {
    const { action, desired, context, log } = step;
    const status = working.status;
    status.lastAttemptedRevision = desired.chartVersion;
    if (step.artifact.digest) status.lastAttemptedRevisionDigest = step.artifact.digest;
    status.lastAttemptedConfigDigest = desired.configDigest;
    status.lastAttemptedValuesChecksum = sha1Of(step.values);
    if (hr.metadata?.generation !== undefined) status.lastAttemptedGeneration = hr.metadata.generation;
    status.lastAttemptedReleaseAction = action;
    status.storageNamespace = storageNamespaceOf(hr);
    setObservedGeneration(working);
    markReconciling(
      working,
      Reason.Progressing,
      `Running '${action}' action with timeout of ${formatGoDuration(timeoutOf(hr, action))}`,
    );
    await this.writeStatus(hr, working);

    const started = performance.now();
    const wait = this.deps.waits.begin(
      step.cacheKey,
      `${desired.chartVersion}/${desired.configDigest}`,
      hr.metadata?.generation,
    );
    const chartLabel = `${desired.chartName}@${desired.chartVersion}`;
    const subject = `${releaseNamespaceOf(hr)}/${releaseNameOf(hr)}`;
    let chart: { dir: string; release(): void } | undefined;
    try {
      chart = await this.deps.artifacts.acquire(step.artifact);
      const crds = action === 'install' ? hr.spec?.install?.crds : (hr.spec?.upgrade?.crds ?? 'Skip');
      if (crds === 'CreateReplace' || (action === 'upgrade' && crds === 'Create'))
        await applyChartCrds(context.client, chart.dir, crds);
      const release = await installOrUpgrade({ ...context, signal: wait.signal }, hr, action, chart.dir, step.values);
      status.lastAttemptedReleaseActionDuration = formatSeconds(performance.now() - started);
      let latest = release;
      const message = `Helm ${action} succeeded for release ${subject}.v${release.version} with chart ${chartLabel}`;
      setCondition(working, {
        type: ReleasedCondition,
        status: 'True',
        reason: action === 'install' ? Reason.InstallSucceeded : Reason.UpgradeSucceeded,
        message,
      });
      removeCondition(working, RemediatedCondition);
      if (hr.spec?.test?.enable)
        latest = (await this.test(hr, working, release, context, chartLabel, subject)) ?? release;
      else removeCondition(working, TestSuccessCondition);
      recordRelease(working.status, latest, desired);
      status.inventory = inventoryOf(
        await releaseObjects(context.client, latest.manifest ?? '', releaseNamespaceOf(hr)),
      );
      resetFailures(status);
      markReady(working, action === 'install' ? Reason.InstallSucceeded : Reason.UpgradeSucceeded, message);
      await this.writeStatus(hr, working);
      await this.event(
        hr,
        'Normal',
        action === 'install' ? Reason.InstallSucceeded : Reason.UpgradeSucceeded,
        message,
        desired.chartVersion,
        desired.configDigest,
        log,
      );
      return { requeueAfter: step.intervalMs };
    } catch (error) {
      if (error instanceof WaitCancelledError) {
        // a newer chart or spec arrived: the next reconcile acts on it
        log.info({ reason: error.message }, 'Health wait cancelled');
        return { requeueAfter: 1 };
      }
      if (!(error instanceof ReleaseActionError)) throw error;
      return await this.failedAction(hr, working, step, error, chartLabel, subject);
    } finally {
      wait.end();
      chart?.release();
    }
  }

  /** An install or upgrade failed: count it, remediate as the strategy says, and report. */
  private async failedAction(
    hr: HelmRelease,
    working: Working,
    step: {
      action: 'install' | 'upgrade';
      desired: DesiredRelease;
      context: RunContext;
      intervalMs: number;
      log: Logger;
    },
    error: ReleaseActionError,
    chartLabel: string,
    subject: string,
  ): Promise<ReconcileResult> {
    const { action, desired, context, log } = step;
    const status = working.status;
    status.failures = (status.failures ?? 0) + 1;
    const failures =
      action === 'install'
        ? (status.installFailures = (status.installFailures ?? 0) + 1)
        : (status.upgradeFailures = (status.upgradeFailures ?? 0) + 1);
    const reason = action === 'install' ? Reason.InstallFailed : Reason.UpgradeFailed;
    const message = `Helm ${action} failed for release ${subject} with chart ${chartLabel}: ${error.message}`;
    setCondition(working, { type: ReleasedCondition, status: 'False', reason, message });
    log.error({ reason, failures }, message);
    if (error.release) recordRelease(working.status, error.release, desired, false);
    await this.event(hr, 'Warning', reason, message, desired.chartVersion, desired.configDigest, log);
    const outcome = onFailure(hr, action, failures);
    if (outcome.remediation)
      await this.remediate(hr, working, outcome.remediation, context, chartLabel, subject, desired, log);
    if (outcome.stalled) {
      const attempts = failures;
      markStalled(working, Reason.RetriesExceeded, `Failed to ${action} after ${attempts} attempt(s): ${message}`);
      await this.writeStatus(hr, working);
      return {};
    }
    markFailed(working, reason, message);
    await this.writeStatus(hr, working);
    return { requeueAfter: retryDelayMs(hr, action, parseGoDuration) };
  }

  private async remediate(
    hr: HelmRelease,
    working: Working,
    remediation: 'uninstall' | 'rollback',
    context: RunContext,
    chartLabel: string,
    subject: string,
    desired: DesiredRelease,
    log: Logger,
  ): Promise<void> {
    try {
      if (remediation === 'rollback') {
        const releases = await listReleases(context.client, storageNamespaceOf(hr), releaseNameOf(hr));
        const latest = releases.at(-1);
        const target = previousDeployed(releases, latest?.version ?? Number.MAX_SAFE_INTEGER);
        if (!target) throw new Error('no previous deployed revision to roll back to');
        const rolled = await rollback(context, hr, target.version);
        recordRelease(working.status, rolled, desired, false);
        const message = `Helm rollback to previous release ${subject}.v${target.version} with chart ${target.chart.metadata.name}@${target.chart.metadata.version} succeeded`;
        setCondition(working, { type: RemediatedCondition, status: 'True', reason: Reason.RollbackSucceeded, message });
        await this.event(
          hr,
          'Normal',
          Reason.RollbackSucceeded,
          message,
          desired.chartVersion,
          desired.configDigest,
          log,
        );
      } else {
        await uninstall(context, hr);
        const message = `Helm uninstall succeeded for release ${subject} with chart ${chartLabel}`;
        setCondition(working, {
          type: RemediatedCondition,
          status: 'True',
          reason: Reason.UninstallSucceeded,
          message,
        });
        delete working.status.inventory;
        await this.event(
          hr,
          'Normal',
          Reason.UninstallSucceeded,
          message,
          desired.chartVersion,
          desired.configDigest,
          log,
        );
      }
    } catch (error) {
      const reason = remediation === 'rollback' ? Reason.RollbackFailed : Reason.UninstallFailed;
      const message = `Helm ${remediation} failed for release ${subject}: ${(error as Error).message}`;
      setCondition(working, { type: RemediatedCondition, status: 'False', reason, message });
      await this.event(hr, 'Warning', reason, message, desired.chartVersion, desired.configDigest, log);
    }
  }

  private async test(
    hr: HelmRelease,
    working: Working,
    release: StoredRelease,
    context: RunContext,
    chartLabel: string,
    subject: string,
  ): Promise<StoredRelease | undefined> {
    try {
      const tested = await runTests(context, hr);
      const hooks = (tested?.hooks ?? []).filter((hook) => hook.events?.includes('test')).length;
      const message = `Helm test succeeded for release ${subject}.v${release.version} with chart ${chartLabel}: ${hooks} test hook(s) completed successfully`;
      setCondition(working, { type: TestSuccessCondition, status: 'True', reason: Reason.TestSucceeded, message });
      return tested;
    } catch (error) {
      const message = `Helm test failed for release ${subject}.v${release.version} with chart ${chartLabel}: ${(error as Error).message}`;
      setCondition(working, { type: TestSuccessCondition, status: 'False', reason: Reason.TestFailed, message });
      const action = working.status.lastAttemptedReleaseAction === 'install' ? hr.spec?.install : hr.spec?.upgrade;
      const ignore = action?.remediation?.ignoreTestFailures ?? hr.spec?.test?.ignoreFailures ?? false;
      if (ignore) return error instanceof ReleaseActionError ? error.release : undefined;
      throw error instanceof ReleaseActionError ? error : new ReleaseActionError(message, release);
    }
  }

  /** Nothing to release: keep history current, and detect (and correct) drift. */
  private async inSync(
    hr: HelmRelease,
    working: Working,
    releases: StoredRelease[],
    desired: DesiredRelease,
    context: RunContext,
    log: Logger,
  ): Promise<void> {
    const latest = releases.at(-1);
    if (!latest) return;
    recordRelease(working.status, latest, desired);
    working.status.storageNamespace = storageNamespaceOf(hr);
    const mode = hr.spec?.driftDetection?.mode ?? 'disabled';
    const objects = await releaseObjects(context.client, latest.manifest ?? '', releaseNamespaceOf(hr));
    working.status.inventory = inventoryOf(objects);
    if (mode !== 'disabled') {
      const drifted = await detectDrift(context.client, objects, hr.spec?.driftDetection);
      if (drifted.length > 0) {
        const subject = `${latest.namespace}/${latest.name}.v${latest.version}`;
        if (mode === 'enabled') {
          await correctDrift(context.client, objects, drifted);
          await this.event(
            hr,
            'Normal',
            Reason.DriftCorrected,
            `Cluster state of release ${subject} was corrected: ${describeDrift(drifted)}`,
            desired.chartVersion,
            desired.configDigest,
            log,
          );
        } else {
          const message = `Cluster state of release ${subject} has drifted from the desired state: ${describeDrift(drifted)}`;
          await this.event(
            hr,
            'Warning',
            Reason.DriftDetected,
            message,
            desired.chartVersion,
            desired.configDigest,
            log,
          );
        }
      }
    }
    setObservedGeneration(working);
    const released = working.status.conditions?.find((condition) => condition.type === ReleasedCondition);
    if (released?.status !== 'True') {
      const message = `Helm release ${latest.namespace}/${latest.name}.v${latest.version} with chart ${latest.chart.metadata.name}@${latest.chart.metadata.version} is in sync`;
      setCondition(working, { type: ReleasedCondition, status: 'True', reason: Reason.UpgradeSucceeded, message });
    }
    const ready = working.status.conditions?.find((condition) => condition.type === 'Ready');
    if (ready?.status !== 'True') {
      const inSyncMessage = `Helm release ${latest.namespace}/${latest.name}.v${latest.version} is in sync`;
      if (released?.status === 'True') markReady(working, released.reason, released.message);
      else markReady(working, Reason.UpgradeSucceeded, inSyncMessage);
    } else markReady(working, ready.reason, ready.message);
    removeCondition(working, 'Reconciling');
    removeCondition(working, 'Stalled');
    await this.writeStatus(hr, working);
  }

  private async fail(
    hr: HelmRelease,
    working: Working,
    error: unknown,
    context: { chartVersion: string | undefined; intervalMs: number; log: Logger },
  ): Promise<ReconcileResult> {
    const reason = reasonOf(error);
    const message = error instanceof Error ? error.message : String(error);
    setObservedGeneration(working);
    const stalled = error instanceof StalledError || (error as { stalled?: boolean }).stalled === true;
    if (stalled) markStalled(working, reason, message);
    else markFailed(working, reason, message);
    try {
      await this.writeStatus(hr, working);
    } catch (statusError) {
      context.log.error({ err: statusError }, 'Failed to write the failure to status');
      throw error;
    }
    if (error instanceof DependencyNotReadyError) {
      context.log.info({ reason: message }, 'Dependencies do not meet ready condition, retrying');
      return { requeueAfter: this.deps.options.requeueDependencyMs };
    }
    context.log.error({ reason, err: { message } }, 'Reconciliation failed');
    await this.event(hr, 'Warning', reason, message, context.chartVersion, undefined, context.log);
    if (stalled) return {};
    if (reason === Reason.ArtifactFailed) return { requeueAfter: Math.min(context.intervalMs, 30_000) };
    throw error;
  }

  private access(hr: HelmRelease): Promise<ClusterAccess> {
    return clusterAccessFor(this.deps.client, hr, this.deps.options.defaultServiceAccount);
  }

  private async addFinalizer(hr: HelmRelease): Promise<void> {
    const finalizers = [...(hr.metadata?.finalizers ?? []), Finalizer];
    const updated = await this.deps.client.patch<HelmRelease>(
      refOf(hr),
      { metadata: { finalizers, resourceVersion: hr.metadata?.resourceVersion } },
      'merge',
    );
    hr.metadata = { ...hr.metadata, finalizers, resourceVersion: updated.metadata?.resourceVersion ?? '' };
  }

  /** Writes status only when it changed: an unchanged reconcile writes nothing. */
  private async writeStatus(hr: HelmRelease, working: Working): Promise<void> {
    if (isDeepStrictEqual(working.status, hr.status ?? {})) return;
    const written = await this.deps.statusPatcher.patch(hr, working.status);
    hr.status = structuredClone(working.status);
    hr.metadata = { ...hr.metadata, resourceVersion: written.resourceVersion };
    const key = `${hr.metadata.namespace ?? ''}/${hr.metadata.name ?? ''}`;
    this.deps.written.remember(key, hr.metadata.uid ?? '', written.resourceVersion, working.status);
  }

  private async event(
    hr: HelmRelease,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    revision: string | undefined,
    token: string | undefined,
    log: Logger,
  ): Promise<void> {
    try {
      const annotations: Record<string, string> = {};
      if (revision) annotations[RevisionAnnotation] = revision;
      if (token) annotations[TokenAnnotation] = token;
      await this.deps.events.record({ object: hr, type, reason, message, annotations });
    } catch (error) {
      log.warn({ err: error, reason }, 'Failed to record an Event');
    }
  }
}

function refOf(hr: HelmRelease) {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    namespace: hr.metadata?.namespace,
    name: hr.metadata?.name ?? '',
  };
}

function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(3)}s`;
}
