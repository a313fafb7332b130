// One ImageUpdateAutomation run, in Flux's steps: find the GitRepository, select the policies, clone the checkout
// ref, rewrite the marked fields, commit (signed when asked) and push; then status and an event.
import { tmpdir } from 'node:os';
import {
  type GitRepository,
  type ImagePolicy,
  ImageApiVersion,
  ImageKind,
  type ImageRef,
  type ImageUpdateAutomation,
  Reason,
  SourceApiVersion,
} from '@fluxion/api';
import {
  type EventRecorder,
  type KubeClient,
  type Logger,
  markFailed,
  markReady,
  markStalled,
  type ObjectKey,
  parseGoDuration,
  readSecret,
  type ReconcileResult,
  type Reflector,
  removeCondition,
  resolveGitAccess,
  SecretError,
  setLastHandledReconcileAt,
  setObservedGeneration,
  StatusPatcher,
} from '@fluxion/runtime';
import { AutomationGitError, remoteBranchRevision, runAutomationGit } from './automation-git.ts';
import { AutomationSpecError, type AutomationPlan, planAutomation } from './automation-spec.ts';
import { commitMessage } from './commit-message.ts';
import { prepareCommitSigner, SigningKeyError } from './commit-signing.ts';
import { parseTemplate } from './go-template/parser.ts';
import { TemplateError } from './go-template/lexer.ts';
import { labelMatcher, PolicySelectorError, selectPolicies } from './policy-selection.ts';
import { type UpdateProblem, updateWithSetters, UpdatePathError } from './update-files.ts';

const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  );

type AutomationStatus = NonNullable<ImageUpdateAutomation['status']>;

export const defaultGitTimeoutMs = 60_000;

export interface ImageUpdateAutomationReconcilerOptions {
  client: KubeClient;
  automations: Reflector<ImageUpdateAutomation>;
  policies: Reflector<ImagePolicy>;
  sources: Reflector<GitRepository>;
  events: EventRecorder;
  /** `--no-cross-namespace-refs`: a sourceRef in another namespace is refused. */
  noCrossNamespaceRefs?: boolean;
  /** Pushes tried when the branch keeps moving (default 5). */
  maxPushAttempts?: number;
  workDirectory?: string;
  fieldManager?: string;
}

/** A failure already written to status; thrown so the work queue retries with backoff. */
export class ReconcileFailure extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'ReconcileFailure';
    this.reason = reason;
  }
}

export class ImageUpdateAutomationReconciler {
  readonly #options: ImageUpdateAutomationReconcilerOptions;
  readonly #status: StatusPatcher;

  constructor(options: ImageUpdateAutomationReconcilerOptions) {
    this.#options = options;
    this.#status = new StatusPatcher(options.client, options.fieldManager ?? 'image-automation-controller');
  }

  readonly reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    const { automations, policies, sources } = this.#options;
    await Promise.all([automations.hasSynced(), policies.hasSynced(), sources.hasSynced()]);
    const automation = automations.get(key.namespace ?? '', key.name);
    if (!automation || automation.metadata?.deletionTimestamp) return {};
    if (automation.spec?.suspend) {
      log.info('Reconciliation is suspended for this object');
      return {};
    }
    const intervalMs = parseGoDuration(automation.spec?.interval ?? '1m');
    const work: ImageUpdateAutomation = { ...automation, status: structuredClone(automation.status ?? {}) };
    const status = work.status!;
    const namespace = automation.metadata?.namespace ?? '';
    try {
      const source = await this.#source(automation);
      const plan = planAutomation(automation, source);
      if (plan.messageTemplate) parseTemplate(plan.messageTemplate);
      const selected = selectPolicies(
        policies.list(namespace),
        namespace,
        labelMatcher(automation.spec?.policySelector),
      );
      if (await this.#unchanged(automation, source, plan, selected.observed)) {
        // Same spec, same images, same remote revision as the last good run: no clone (Flux skips it too).
        status.lastAutomationRunTime = new Date().toISOString();
        await this.#finish(automation, work);
        return { requeueAfter: intervalMs };
      }
      const result = await this.#run(automation, source, plan, selected.images, log);
      status.lastAutomationRunTime = new Date().toISOString();
      status.observedPolicies = selected.observed;
      status.observedSourceRevision = result.sourceRevision;
      // What could not be applied is named on Ready; the rest was applied, so the automation is still Ready.
      const skipped = result.problems.length > 0 ? `; skipped: ${describeProblems(result.problems)}` : '';
      markReady(work, Reason.Succeeded, `repository up-to-date${skipped}`);
      if (result.pushed) {
        status.lastPushCommit = result.pushed.commit;
        status.lastPushTime = status.lastAutomationRunTime;
        const pushedMessage = `pushed commit '${result.pushed.commit.slice(0, 7)}' to branch '${plan.pushBranch}'`;
        await this.#event(automation, 'Normal', Reason.Succeeded, `${pushedMessage}\n${result.message}`, log);
        log.info(
          { commit: result.pushed.commit, branch: plan.pushBranch, attempts: result.pushed.attempts },
          pushedMessage,
        );
      }
      if (result.problems.length > 0) {
        await this.#event(
          automation,
          'Warning',
          'UpdateFailed',
          `some markers were not applied: ${describeProblems(result.problems)}`,
          log,
        );
      }
      removeCondition(work, 'Reconciling');
      removeCondition(work, 'Stalled');
      await this.#finish(automation, work);
      return { requeueAfter: intervalMs };
    } catch (error) {
      const failure = classify(error);
      if (!failure) throw error;
      status.lastAutomationRunTime = new Date().toISOString();
      if (failure.stalled) markStalled(work, failure.reason, failure.message);
      else markFailed(work, failure.reason, failure.message);
      await this.#finish(automation, work);
      await this.#event(automation, 'Warning', failure.reason, failure.message, log);
      log.error({ reason: failure.reason }, failure.message);
      // A spec error waits for a new generation; anything else is retried with backoff.
      if (failure.stalled) return {};
      throw new ReconcileFailure(failure.reason, failure.message);
    }
  };

  async #source(automation: ImageUpdateAutomation): Promise<GitRepository> {
    const namespace = automation.metadata?.namespace ?? '';
    const ref = automation.spec?.sourceRef;
    if (ref?.kind && ref.kind !== 'GitRepository') {
      throw new AutomationSpecError(
        'InvalidSourceConfiguration',
        `spec.sourceRef.kind '${String(ref.kind)}' is not supported (only GitRepository)`,
      );
    }
    const sourceNamespace = ref?.namespace || namespace;
    if (sourceNamespace !== namespace && this.#options.noCrossNamespaceRefs) {
      throw new AutomationSpecError(
        'AccessDenied',
        `cross-namespace reference to GitRepository ${sourceNamespace}/${ref?.name} is not allowed (--no-cross-namespace-refs)`,
      );
    }
    // A GitRepository created with the automation may not be in the cache yet: ask the API server before failing.
    const source =
      this.#options.sources.get(sourceNamespace, ref?.name ?? '') ??
      (await this.#options.client
        .getIfExists<GitRepository>({
          apiVersion: SourceApiVersion,
          kind: 'GitRepository',
          namespace: sourceNamespace,
          name: ref?.name ?? '',
        })
        .catch((error: unknown) => {
          throw new MissingSourceError(
            `GitRepository ${sourceNamespace}/${ref?.name} (spec.sourceRef) could not be read: ${error instanceof Error ? error.message : String(error)}`,
          );
        }));
    if (!source)
      throw new MissingSourceError(`GitRepository ${sourceNamespace}/${ref?.name} (spec.sourceRef) not found`);
    return source;
  }

  async #unchanged(
    automation: ImageUpdateAutomation,
    source: GitRepository,
    plan: AutomationPlan,
    observed: Record<string, ImageRef>,
  ): Promise<boolean> {
    const status = automation.status;
    const branch = plan.checkout.branch;
    const onlyBranch =
      branch && !plan.checkout.commit && !plan.checkout.name && !plan.checkout.tag && !plan.checkout.semver;
    if (!onlyBranch || !status?.observedSourceRevision || status.observedGeneration !== automation.metadata?.generation)
      return false;
    if (!automation.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True'))
      return false;
    if (stableJson(status.observedPolicies ?? {}) !== stableJson(observed)) return false;
    const access = await resolveGitAccess(this.#options.client, source.metadata?.namespace ?? '', {
      secretRef: source.spec?.secretRef,
      proxySecretRef: source.spec?.proxySecretRef,
    });
    const timeoutMs = source.spec?.timeout ? parseGoDuration(source.spec.timeout) : defaultGitTimeoutMs;
    // Any failure to list is left to the full run, which names it.
    const remote = await remoteBranchRevision({ url: source.spec?.url ?? '', access, timeoutMs }, branch).catch(
      () => undefined,
    );
    return remote === status.observedSourceRevision;
  }

  async #run(
    automation: ImageUpdateAutomation,
    source: GitRepository,
    plan: AutomationPlan,
    images: Parameters<typeof updateWithSetters>[2],
    log: Logger,
  ) {
    const namespace = automation.metadata?.namespace ?? '';
    const sourceNamespace = source.metadata?.namespace ?? '';
    const access = await resolveGitAccess(this.#options.client, sourceNamespace, {
      secretRef: source.spec?.secretRef,
      proxySecretRef: source.spec?.proxySecretRef,
    });
    // Read now, so that a missing Secret is named even when there is nothing to commit; imported only to sign.
    const signingKey = plan.signingKeySecret
      ? await readSecret(this.#options.client, namespace, plan.signingKeySecret, 'spec.git.commit.signingKey.secretRef')
      : undefined;
    let problems: UpdateProblem[] = [];
    let message = '';
    const result = await runAutomationGit({
      url: source.spec?.url ?? '',
      access,
      timeoutMs: source.spec?.timeout ? parseGoDuration(source.spec.timeout) : defaultGitTimeoutMs,
      checkout: plan.checkout,
      pushBranch: plan.pushBranch,
      pushRefspec: plan.pushRefspec,
      pushOptions: plan.pushOptions,
      author: plan.author,
      signer: signingKey ? () => prepareCommitSigner(signingKey, `${namespace}/${plan.signingKeySecret}`) : undefined,
      workDirectory: this.#options.workDirectory ?? tmpdir(),
      maxPushAttempts: this.#options.maxPushAttempts ?? 5,
      update: async (directory) => {
        const outcome = await updateWithSetters(directory, plan.updatePath, images);
        problems = outcome.problems;
        if (outcome.changedFiles.length === 0) return undefined;
        message = commitMessage({
          namespace,
          name: automation.metadata?.name ?? '',
          template: plan.messageTemplate,
          values: plan.messageTemplateValues,
          result: outcome.result,
        });
        log.debug({ files: outcome.changedFiles }, 'Updated files');
        return { message };
      },
    });
    return { ...result, problems, message };
  }

  async #finish(automation: ImageUpdateAutomation, work: ImageUpdateAutomation): Promise<void> {
    setObservedGeneration(work);
    setLastHandledReconcileAt(work);
    await this.#status.patch(automation, work.status as AutomationStatus);
  }

  async #event(
    automation: ImageUpdateAutomation,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    log: Logger,
  ): Promise<void> {
    try {
      await this.#options.events.record({
        object: { ...automation, apiVersion: ImageApiVersion, kind: ImageKind.ImageUpdateAutomation },
        type,
        reason,
        message,
      });
    } catch (error) {
      log.warn({ err: error, reason }, 'Could not record an event');
    }
  }
}

class MissingSourceError extends Error {
  readonly reason = 'InvalidSourceConfiguration';
}

interface Failure {
  reason: string;
  message: string;
  stalled: boolean;
}

// Errors a person must fix in the spec stall; those the world may fix (a Secret, a server, a branch) are retried.
function classify(error: unknown): Failure | undefined {
  if (error instanceof AutomationSpecError || error instanceof PolicySelectorError)
    return { reason: error.reason, message: error.message, stalled: true };
  if (error instanceof TemplateError)
    return { reason: error.reason, message: `spec.git.commit.messageTemplate: ${error.message}`, stalled: true };
  if (error instanceof UpdatePathError) return { reason: 'UpdateFailed', message: error.message, stalled: false };
  if (error instanceof AutomationGitError) return { reason: error.reason, message: error.message, stalled: false };
  if (error instanceof SecretError || error instanceof SigningKeyError)
    return { reason: error.reason, message: error.message, stalled: false };
  if (error instanceof MissingSourceError) return { reason: error.reason, message: error.message, stalled: false };
  return undefined;
}

function describeProblems(problems: UpdateProblem[]): string {
  const shown = problems
    .slice(0, 5)
    .map(
      (problem) =>
        `${problem.file}:${problem.line}: ${problem.malformed ? `not valid YAML, left untouched (${problem.message})` : problem.message}`,
    );
  return shown.join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
}
