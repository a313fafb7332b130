// GitRepository → artifact: finalizer, suspend, spec, Secrets, includes, ls-remote/checkout, ignore rules,
// archive, store, status and events — the steps a Flux user would list, in that order.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GitRepository, ConditionType, Reason } from '@fluxion/api';
import {
  type GitAccess,
  type KubeClient,
  type Logger,
  type ObjectKey,
  type ReconcileResult,
  type Reflector,
  isTrue,
  markFailed,
  readSecret,
  removeCondition,
  resolveGitAccess,
  SecretError,
  setCondition,
} from '@fluxion/runtime';
import { artifactFileName } from './artifact-file-name.ts';
import { FetchError } from './fetch-error.ts';
import { checkoutGitRepository, fetchedRefName, type GitCheckoutResult } from './git-checkout.ts';
import { refRequestFromSpec } from './git-ref.ts';
import { trustedKeysFrom, verifyCheckout, VerificationError } from './git-verify.ts';
import { parseRevision } from './revision.ts';
import { type GitRepositoryPlan, validateGitRepositorySpec } from './gitrepository-spec.ts';
import {
  copyIncludedArtifacts,
  type IncludedArtifact,
  IncludeError,
  resolveIncludes,
  sameIncludedArtifacts,
} from './include-artifacts.ts';
import { loadIgnoreMatcher, SourceIgnoreError } from './source-ignore.ts';
import { SourceLifecycle, type SourceReconcilerOptions } from './source-lifecycle.ts';
import { ReconcileFailure, type SourceRun } from './source-run.ts';
import type { Artifact, ArtifactStorage } from './storage.ts';
import { stableJson } from './stable-json.ts';

export const gitRepositoryKind = 'GitRepository';

type GitRepositoryStatus = NonNullable<GitRepository['status']>;

export interface GitRepositoryReconcilerOptions extends SourceReconcilerOptions<GitRepository> {
  /** Where checkouts are made (default the OS temp directory). */
  workDirectory?: string;
}

export class GitRepositoryReconciler {
  readonly #client: KubeClient;
  readonly #lifecycle: SourceLifecycle<GitRepository>;
  readonly #workDirectory: string | undefined;
  /** GitRepositories as the watch cache sees them (includes are read from here). */
  readonly cache: Reflector<GitRepository>;
  readonly storage: ArtifactStorage;

  constructor(options: GitRepositoryReconcilerOptions) {
    this.#client = options.client;
    this.#lifecycle = new SourceLifecycle(gitRepositoryKind, options);
    this.#workDirectory = options.workDirectory;
    this.cache = options.cache;
    this.storage = options.storage;
  }

  readonly reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    const run = await this.#lifecycle.begin(key, log);
    if (!run) return {};
    return new ReconcileRun(this, run).execute();
  };

  // --- used by ReconcileRun ---

  get workDirectory(): string {
    return this.#workDirectory ?? tmpdir();
  }

  readSecret(namespace: string, name: string, field: string): Promise<Map<string, string>> {
    return readSecret(this.#client, namespace, name, field);
  }

  resolveAccess(object: GitRepository): Promise<GitAccess> {
    return resolveGitAccess(this.#client, object.metadata?.namespace ?? '', {
      secretRef: object.spec?.secretRef,
      proxySecretRef: object.spec?.proxySecretRef,
    });
  }
}

/** One reconcile of one GitRepository, on the SourceRun that writes its status once at the end (or on failure). */
class ReconcileRun {
  readonly #reconciler: GitRepositoryReconciler;
  readonly #run: SourceRun<GitRepository>;

  constructor(reconciler: GitRepositoryReconciler, run: SourceRun<GitRepository>) {
    this.#reconciler = reconciler;
    this.#run = run;
  }

  get #status(): GitRepositoryStatus {
    return this.#run.status;
  }

  async execute(): Promise<ReconcileResult> {
    const run = this.#run;
    const plan = await run.planOrStall(() => validateGitRepositorySpec(run.object.spec));
    if (!plan) return {};
    if (!plan.verify) {
      removeCondition(run.work, ConditionType.SourceVerified);
      delete this.#status.sourceVerificationMode;
    }

    const access = await run.step(ConditionType.FetchFailed, () => this.#reconciler.resolveAccess(run.object), {
      errors: [SecretError],
    });
    const includes = await run.step(
      ConditionType.IncludeUnavailable,
      () =>
        resolveIncludes(
          this.#reconciler.cache,
          this.#reconciler.storage,
          run.owner.namespace,
          plan.include,
          run.owner.name,
        ),
      { errors: [IncludeError] },
    );
    removeCondition(run.work, ConditionType.IncludeUnavailable);

    const checkoutRoot = await mkdtemp(
      join(this.#reconciler.workDirectory, `gitrepository-${run.owner.namespace}-${run.owner.name}-`),
    );
    try {
      const directory = join(checkoutRoot, 'checkout');
      const lastObservedRevision = (await this.#artifactMatchesSpec(plan, includes))
        ? run.object.status?.artifact?.revision
        : undefined;
      const result = await run.step(
        ConditionType.FetchFailed,
        () =>
          checkoutGitRepository({
            url: plan.url,
            ref: plan.ref,
            directory,
            ...access,
            timeoutMs: plan.timeoutMs,
            ...(lastObservedRevision ? { lastObservedRevision } : {}),
            recurseSubmodules: plan.recurseSubmodules,
            ...(plan.sparseCheckout ? { sparseCheckout: plan.sparseCheckout } : {}),
            ...(plan.verify ? { needsRepository: true } : {}),
          }),
        { errors: [FetchError] },
      );
      removeCondition(run.work, ConditionType.FetchFailed);
      if (result.changed) {
        await this.#verifySignatures(plan, result, directory);
        await this.#buildArtifact(plan, includes, result, directory);
      } else run.keepArtifact(this.#status.artifact!);
    } finally {
      await rm(checkoutRoot, { recursive: true, force: true }).catch(() => undefined);
    }

    await run.succeed(`stored artifact for revision '${this.#status.artifact!.revision}'`);
    return { requeueAfter: plan.intervalMs };
  }

  // Nothing unverified is stored: a bad or missing signature fails the reconcile and keeps the last artifact.
  async #verifySignatures(
    plan: GitRepositoryPlan,
    result: Extract<GitCheckoutResult, { changed: true }>,
    directory: string,
  ): Promise<void> {
    const verify = plan.verify;
    if (!verify) return;
    const run = this.#run;
    const { namespace } = run.owner;
    try {
      const keys = trustedKeysFrom(
        await this.#reconciler.readSecret(namespace, verify.secretName, 'spec.verify.secretRef'),
        `${namespace}/${verify.secretName}`,
      );
      const message = await verifyCheckout({
        directory,
        mode: verify.mode,
        keys,
        tag: tagOf(plan, result.revision),
        tagRef: fetchedRefName,
        commit: result.commit,
        timeoutMs: plan.timeoutMs,
      });
      setCondition(run.work, { type: ConditionType.SourceVerified, status: 'True', reason: Reason.Succeeded, message });
      this.#status.sourceVerificationMode = verify.mode;
    } catch (error) {
      if (!(error instanceof VerificationError || error instanceof SecretError)) throw error;
      setCondition(run.work, {
        type: ConditionType.SourceVerified,
        status: 'False',
        reason: error.reason,
        message: error.message,
      });
      markFailed(run.work, error.reason, error.message);
      await run.finish();
      await run.event('Warning', error.reason, error.message);
      throw new ReconcileFailure(error.reason, error.message);
    }
  }

  async #buildArtifact(
    plan: GitRepositoryPlan,
    includes: IncludedArtifact[],
    result: Extract<GitCheckoutResult, { changed: true }>,
    directory: string,
  ): Promise<void> {
    const run = this.#run;
    const previous = run.object.status?.artifact;
    run.markOutdated(result.revision, `new upstream revision '${result.revision}'`);
    const storage = this.#reconciler.storage;
    const artifact = await run.step(
      ConditionType.StorageOperationFailed,
      async (): Promise<Artifact> => {
        await copyIncludedArtifacts(storage, includes, directory);
        const ignore = await loadIgnoreMatcher(directory, plan.ignore);
        const stored = await storage.archive(run.owner, result.revision, directory, {
          fileName: artifactFileName(result.commit, plan, includes),
          exclude: (path, isDirectory) => ignore.excludes(path, isDirectory),
        });
        await storage.linkLatest(stored);
        return stored;
      },
      { errors: [SourceIgnoreError, IncludeError], reason: Reason.ArchiveOperationFailed },
    );

    const status = this.#status;
    status.artifact = artifact;
    if (includes.length > 0) status.includedArtifacts = includes.map((include) => include.artifact);
    else delete status.includedArtifacts;
    setOrDelete(status, 'observedIgnore', plan.ignore);
    setOrDelete(status, 'observedRecurseSubmodules', plan.recurseSubmodules ? true : undefined);
    setOrDelete(status, 'observedInclude', plan.include.length > 0 ? plan.include : undefined);
    setOrDelete(status, 'observedSparseCheckout', plan.sparseCheckout);

    if (previous?.revision !== artifact.revision) {
      run.log.info({ revision: artifact.revision, digest: artifact.digest }, 'Stored a new artifact');
      run.eventOnSuccess(
        'Normal',
        'NewArtifact',
        `stored artifact for commit '${result.commitSubject}'`,
        artifact.revision,
      );
    }
    await run.collectGarbage(artifact);
  }

  // The stored artifact still describes this spec (and these includes): an unchanged remote needs no clone.
  async #artifactMatchesSpec(plan: GitRepositoryPlan, includes: IncludedArtifact[]): Promise<boolean> {
    const object = this.#run.object;
    const status = object.status;
    if (!status?.artifact || !(await this.#reconciler.storage.exists(status.artifact))) return false;
    return (
      status.observedIgnore === plan.ignore &&
      (status.observedRecurseSubmodules ?? false) === plan.recurseSubmodules &&
      stableJson(status.observedInclude ?? []) === stableJson(plan.include) &&
      stableJson(status.observedSparseCheckout ?? null) === stableJson(plan.sparseCheckout ?? null) &&
      sameIncludedArtifacts(status.includedArtifacts ?? [], includes) &&
      (!plan.verify ||
        (status.sourceVerificationMode === plan.verify.mode && isTrue(object, ConditionType.SourceVerified)))
    );
  }
}

// The tag a checkout came from, for verify-tag: tag and semver refs, or a full refs/tags/ name.
function tagOf(plan: GitRepositoryPlan, revision: string): string | undefined {
  const request = refRequestFromSpec(plan.ref);
  if (request.kind === 'tag' || request.kind === 'semver') return parseRevision(revision).name;
  if (request.kind === 'name' && request.name.startsWith('refs/tags/')) return request.name.slice('refs/tags/'.length);
  return undefined;
}

function setOrDelete<K extends keyof GitRepositoryStatus>(
  status: GitRepositoryStatus,
  key: K,
  value: GitRepositoryStatus[K] | undefined,
): void {
  if (value === undefined) delete status[key];
  else status[key] = value;
}
