// HelmChart → packaged chart artifact: finalizer, suspend, spec, source, then either pull the chart version that
// matches spec.version from a HelmRepository's index, or package the chart at spec.chart in a GitRepository or
// Bucket artifact; values files merged, stored as `<name>-<version>.tgz`, revision = the chart version.
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  type Bucket,
  type GitRepository,
  type HelmChart,
  type HelmRepository,
  ConditionType,
  Reason,
} from '@fluxion/api';
import { type Logger, type ObjectKey, type ReconcileResult, type Reflector, removeCondition } from '@fluxion/runtime';
import { readChartMetadata } from './helm-chart-metadata.ts';
import { pullChart, type PulledChart } from './helm-chart-pull.ts';
import { pullOciChart } from './helm-oci-pull.ts';
import { findChartVersion } from './helm-index.ts';
import { HelmIndexCache } from './helm-index-cache.ts';
import { type HelmRepositoryAccess, resolveHelmRepositoryAccess } from './helm-repository-access.ts';
import { packageChart } from './helm-packager.ts';
import { mergeValuesFiles } from './helm-values.ts';
import { type HelmChartPlan, planHelmChart } from './helmchart-spec.ts';
import { parseRevision } from './revision.ts';
import { resolveInside } from './safe-path.ts';
import { SourceError } from './source-error.ts';
import { SourceLifecycle, type SourceReconcilerOptions } from './source-lifecycle.ts';
import type { SourceObject, SourceRun } from './source-run.ts';
import { extractTarGz, TarExtractError } from './tar-extract.ts';

export const helmChartKind = 'HelmChart';

export interface HelmChartSources {
  HelmRepository: Reflector<HelmRepository>;
  GitRepository?: Reflector<GitRepository>;
  Bucket?: Reflector<Bucket>;
}

export interface HelmChartReconcilerOptions extends SourceReconcilerOptions<HelmChart> {
  sources: HelmChartSources;
  /** The helm binary that packages charts from Git and Bucket sources (and charts with values files). */
  helm: string;
  indexCache?: HelmIndexCache;
  /** Where charts are pulled and packaged (default the OS temp directory). */
  workDirectory?: string;
  /** `--helm-chart-max-size`: a larger chart is refused (default 10 MiB, as Flux). */
  chartMaxBytes?: number;
}

export const defaultHelmChartMaxBytes = 10 * 1024 * 1024;

/** What a build produced: a file to store, its chart name and version, and how it was made. */
interface ChartBuild {
  file: string;
  name: string;
  version: string;
  packaged: boolean;
  valuesFiles: string[];
}

export class HelmChartReconciler {
  readonly #options: HelmChartReconcilerOptions;
  readonly #lifecycle: SourceLifecycle<HelmChart>;
  readonly indexCache: HelmIndexCache;

  constructor(options: HelmChartReconcilerOptions) {
    this.#options = options;
    this.#lifecycle = new SourceLifecycle(helmChartKind, options);
    this.indexCache = options.indexCache ?? new HelmIndexCache();
  }

  readonly reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    const run = await this.#lifecycle.begin(key, log);
    if (!run) return {};
    const { owner } = run;
    const plan = await run.step(ConditionType.BuildFailed, () => planHelmChart(run.object.spec));
    removeCondition(run.work, ConditionType.Stalled);

    const source = await run.step(ConditionType.FetchFailed, () => this.#source(plan, owner.namespace));
    removeCondition(run.work, ConditionType.FetchFailed);
    // Made on first use: an up-to-date chart from a HelmRepository touches no disk.
    const work = new WorkDirectory(
      join(this.#options.workDirectory ?? tmpdir(), `helmchart-${owner.namespace}-${owner.name}-`),
    );
    try {
      const build = await run.step(ConditionType.BuildFailed, () =>
        source.kind === 'HelmRepository'
          ? this.#buildFromRepository(run, plan, source.object, work)
          : this.#buildFromArtifact(run, plan, source, work),
      );
      removeCondition(run.work, ConditionType.BuildFailed);
      await this.#store(run, source, build);
    } finally {
      await work.remove();
    }
    return { requeueAfter: plan.intervalMs };
  };

  async #source(plan: HelmChartPlan, namespace: string): Promise<ResolvedSource> {
    const cache = this.#options.sources[plan.sourceKind];
    const where = `${plan.sourceKind} '${namespace}/${plan.sourceName}'`;
    if (!cache)
      throw new SourceError(
        'SourceUnavailable',
        `failed to get source: ${plan.sourceKind} sources are not watched by this controller`,
      );
    const object = cache.get(namespace, plan.sourceName) as SourceObject | undefined;
    if (!object) throw new SourceError('SourceUnavailable', `failed to get source: ${where} not found`);
    if (plan.sourceKind === 'HelmRepository' && (object as HelmRepository).spec?.type === 'oci') {
      return { kind: 'HelmRepository', object: object as HelmRepository, where };
    }
    const artifact = object.status?.artifact;
    // A status may outlive a lost storage volume: the source must store its artifact again first.
    if (!artifact || !(await this.#options.storage.exists(artifact)))
      throw new SourceError('NoSourceArtifact', `no artifact available for ${where}`);
    return plan.sourceKind === 'HelmRepository'
      ? { kind: 'HelmRepository', object: object as HelmRepository, where }
      : { kind: plan.sourceKind, object, where, artifact: { ...artifact, digest: artifact.digest ?? '' } };
  }

  async #buildFromRepository(
    run: SourceRun<HelmChart>,
    plan: HelmChartPlan,
    repository: HelmRepository,
    work: WorkDirectory,
  ): Promise<ChartBuild | undefined> {
    const namespace = repository.metadata?.namespace ?? '';
    const where = `HelmRepository '${namespace}/${repository.metadata?.name}' (${repository.spec?.url})`;
    if (repository.spec?.type === 'oci') return this.#buildFromOciRepository(run, plan, repository, work);
    const artifact = repository.status!.artifact!;
    const index = await this.indexCache.get(
      `${namespace}/${repository.metadata?.name}`,
      this.#options.storage.localPath(artifact.path),
      artifact.digest ?? artifact.revision,
      where,
    );
    const entry = findChartVersion(index, plan.chart, plan.version, where);
    if (await this.#upToDate(run, entry.version)) return undefined;
    const directory = await work.path();
    const maxBytes = this.#options.chartMaxBytes ?? defaultHelmChartMaxBytes;
    const pulled: PulledChart = await pullChart({
      client: this.#options.client,
      repository,
      entry,
      directory,
      where,
      maxBytes,
    });
    if (plan.valuesFiles.length === 0)
      return { file: pulled.file, name: entry.name, version: entry.version, packaged: false, valuesFiles: [] };
    return this.#repackageWithValues(plan, pulled.file, entry.name, entry.version, directory, where);
  }

  // Values files live in the chart: unpack, merge, and package it again under the same version.
  async #repackageWithValues(
    plan: HelmChartPlan,
    file: string,
    name: string,
    version: string,
    work: string,
    where: string,
  ): Promise<ChartBuild> {
    const chartRoot = join(work, 'unpacked');
    await extract(file, chartRoot, where);
    const chartDirectory = join(chartRoot, name);
    const merged = await mergeValuesFiles(
      chartDirectory,
      plan.valuesFiles,
      plan.ignoreMissingValuesFiles,
      `chart '${name}' version '${version}'`,
    );
    await writeFile(join(chartDirectory, 'values.yaml'), merged.yaml);
    const metadata = await readChartMetadata(chartDirectory, `chart '${name}' from ${where}`);
    const packaged = await packageChart({
      helm: this.#options.helm,
      chartDirectory,
      metadata,
      destination: join(work, 'out'),
      workDirectory: work,
      timeoutMs: 120_000,
      where: `chart '${name}' version '${version}'`,
    });
    return { file: packaged, name: metadata.name, version: metadata.version, packaged: true, valuesFiles: merged.used };
  }

  async #buildFromOciRepository(
    run: SourceRun<HelmChart>,
    plan: HelmChartPlan,
    repository: HelmRepository,
    work: WorkDirectory,
  ): Promise<ChartBuild | undefined> {
    const pulled = await pullOciChart({
      client: this.#options.client,
      repository,
      chart: plan.chart,
      range: plan.version,
      directory: () => work.path(),
      maxBytes: this.#options.chartMaxBytes ?? defaultHelmChartMaxBytes,
      upToDate: (version) => this.#upToDate(run, version),
    });
    if (!pulled.file) return undefined;
    if (plan.valuesFiles.length === 0)
      return { file: pulled.file, name: plan.chart, version: pulled.version, packaged: false, valuesFiles: [] };
    return this.#repackageWithValues(
      plan,
      pulled.file,
      plan.chart,
      pulled.version,
      await work.path(),
      `OCI HelmRepository '${repository.spec?.url}'`,
    );
  }

  async #buildFromArtifact(
    run: SourceRun<HelmChart>,
    plan: HelmChartPlan,
    source: ArtifactSource,
    workDirectory: WorkDirectory,
  ): Promise<ChartBuild | undefined> {
    const work = await workDirectory.path();
    const sourceRoot = join(work, 'source');
    await extract(this.#options.storage.localPath(source.artifact.path), sourceRoot, source.where);
    const chartDirectory = resolveInside(
      sourceRoot,
      plan.chart,
      'InvalidChartReference',
      `invalid chart reference: spec.chart '${plan.chart}' leaves the ${source.where} artifact`,
    );
    const where = `chart '${plan.chart}' in ${source.where}`;
    const metadata = await readChartMetadata(chartDirectory, where);
    const version =
      plan.reconcileStrategy === 'Revision'
        ? `${metadata.version}+${shortDigest(source.artifact.revision)}`
        : undefined;
    // Under ChartVersion a new source revision with the same chart version is not packaged again, as in Flux.
    if (await this.#upToDate(run, version ?? metadata.version)) return undefined;
    let valuesFiles: string[] = [];
    if (plan.valuesFiles.length > 0) {
      // For Git and Bucket sources the values files are paths from the artifact's root, as in Flux.
      const merged = await mergeValuesFiles(sourceRoot, plan.valuesFiles, plan.ignoreMissingValuesFiles, source.where);
      await writeFile(join(chartDirectory, 'values.yaml'), merged.yaml);
      valuesFiles = merged.used;
    }
    await mkdir(join(work, 'helm'), { recursive: true });
    const namespace = source.object.metadata?.namespace ?? '';
    const file = await packageChart({
      repositoryAccess: (url) => this.#dependencyAccess(namespace, url),
      helm: this.#options.helm,
      chartDirectory,
      metadata,
      ...(version ? { version } : {}),
      destination: join(work, 'out'),
      workDirectory: join(work, 'helm'),
      timeoutMs: 120_000,
      where,
    });
    return { file, name: metadata.name, version: version ?? metadata.version, packaged: true, valuesFiles };
  }

  // As Flux: a dependency repository is reached with the credentials of the namespace's HelmRepository of that URL.
  async #dependencyAccess(namespace: string, url: string): Promise<HelmRepositoryAccess | undefined> {
    const normalize = (text: string) => text.replace(/\/+$/, '');
    const repository = this.#options.sources.HelmRepository.list(namespace).find(
      (candidate) =>
        candidate.metadata?.namespace === namespace &&
        candidate.spec?.type !== 'oci' &&
        normalize(candidate.spec?.url ?? '') === normalize(url),
    );
    if (!repository?.spec) return undefined;
    return resolveHelmRepositoryAccess(this.#options.client, namespace, repository.spec);
  }

  // The stored chart already is this version, built from this generation of the spec: nothing to pull or package.
  async #upToDate(run: SourceRun<HelmChart>, version: string): Promise<boolean> {
    const status = run.object.status;
    const artifact = status?.artifact;
    if (!artifact || artifact.revision !== version || status?.observedChartName === undefined) return false;
    if (run.object.metadata?.generation !== status.observedGeneration) return false;
    return this.#options.storage.exists(artifact);
  }

  async #store(run: SourceRun<HelmChart>, source: ResolvedSource, build: ChartBuild | undefined): Promise<void> {
    const { storage } = this.#options;
    const { owner } = run;
    const status = run.status;
    const previous = run.object.status?.artifact;
    const sourceRevision =
      source.kind === 'HelmRepository' ? source.object.status?.artifact?.revision : source.artifact.revision;
    if (sourceRevision) status.observedSourceArtifactRevision = sourceRevision;
    let summary: string;
    let reason: string;
    if (!build) {
      // Only an up-to-date artifact skips the build, so there is one.
      const kept = previous!;
      run.keepArtifact(kept);
      const ready = run.object.status?.conditions?.find(
        (condition) => condition.type === ConditionType.ArtifactInStorage,
      );
      reason = ready?.reason ?? Reason.ChartPullSucceeded;
      summary = ready?.message ?? `pulled '${status.observedChartName}' chart with version '${kept.revision}'`;
    } else {
      const artifact = await run.step(ConditionType.StorageOperationFailed, () =>
        storage.write(
          owner,
          build.version,
          `${build.name}-${build.version}.tgz`,
          Readable.from(createReadStream(build.file)),
        ),
      );
      status.artifact = artifact;
      status.url = await run.step(ConditionType.StorageOperationFailed, () => storage.linkLatest(artifact));
      status.observedChartName = build.name;
      if (build.valuesFiles.length > 0) status.observedValuesFiles = build.valuesFiles;
      else delete status.observedValuesFiles;
      reason = build.packaged ? Reason.ChartPackageSucceeded : Reason.ChartPullSucceeded;
      summary = `${build.packaged ? 'packaged' : 'pulled'} '${build.name}' chart with version '${build.version}'`;
      if (build.valuesFiles.length > 0) summary += ` and merged values files [${build.valuesFiles.join(' ')}]`;
      if (previous?.revision !== artifact.revision || previous.digest !== artifact.digest) {
        run.eventOnSuccess('Normal', 'NewArtifact', summary, artifact.revision);
        run.log.info({ revision: artifact.revision, digest: artifact.digest }, 'Stored a new chart');
      }
      await run.collectGarbage(artifact);
    }
    status.url ??= storage.artifactUrl(`${storage.artifactDirectory(owner)}/latest.tar.gz`);
    await run.succeed(summary, reason);
  }
}

/** A temporary directory made on first use and removed at the end of the reconcile. */
class WorkDirectory {
  readonly #prefix: string;
  #path: Promise<string> | undefined;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  path(): Promise<string> {
    this.#path ??= mkdtemp(this.#prefix);
    return this.#path;
  }

  async remove(): Promise<void> {
    if (!this.#path) return;
    const path = await this.#path.catch(() => undefined);
    if (path) await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}

type ArtifactSource = {
  kind: 'GitRepository' | 'Bucket';
  object: SourceObject;
  where: string;
  artifact: { path: string; revision: string; digest: string };
};
type ResolvedSource = { kind: 'HelmRepository'; object: HelmRepository; where: string } | ArtifactSource;

// The first 12 hex characters of a source revision's digest, as Flux appends to chart versions under Revision.
function shortDigest(revision: string): string {
  try {
    return parseRevision(revision).hash.slice(0, 12);
  } catch {
    return revision.replace(/[^0-9A-Za-z]/g, '').slice(0, 12);
  }
}

async function extract(archive: string, destination: string, where: string): Promise<void> {
  try {
    await extractTarGz(archive, destination);
  } catch (error) {
    if (error instanceof TarExtractError)
      throw new SourceError(
        'ChartPullError',
        `chart pull error: cannot unpack the artifact of ${where}: ${error.message}`,
      );
    throw error;
  }
}
