// ImagePolicy → latest image: suspend, policy, the ImageRepository (and its accessFrom), its stored tags, the
// chosen tag, its digest when asked, status and an event when the choice changes ("web: 1.25.0 → 1.26.0").
import { type ImagePolicy, type ImageRef, type ImageRepository, ImageKind, ImageReason } from '@fluxion/api';
import {
  type EventRecorder,
  type KubeClient,
  type Logger,
  type ObjectKey,
  type ReconcileResult,
  type Reflector,
  isNotFound,
  markFailed,
  markReady,
  markStalled,
  parseGoDuration,
  removeCondition,
  setLastHandledReconcileAt,
  setObservedGeneration,
  StatusPatcher,
} from '@fluxion/runtime';
import { accessFromAllows } from './access-from.ts';
import { ImageError } from './image-error.ts';
import type { ResolveRegistryAccess } from './imagerepository-reconciler.ts';
import { planImageRepository } from './imagerepository-spec.ts';
import { recordEvent, writeStatusIfChanged } from './object-status.ts';
import type { ImageRegistry } from './registry.ts';
import { compileTagPolicy, type TagPolicy } from './tag-policy.ts';
import { TagStore } from './tag-store.ts';

type ImagePolicyStatus = NonNullable<ImagePolicy['status']>;

export interface ImagePolicyReconcilerOptions {
  client: KubeClient;
  cache: Reflector<ImagePolicy>;
  repositories: Reflector<ImageRepository>;
  store: TagStore;
  registry: ImageRegistry;
  resolveAccess: ResolveRegistryAccess;
  events: EventRecorder;
  /** `--no-cross-namespace-refs`: an ImageRepository in another namespace is refused whatever its accessFrom. */
  noCrossNamespaceRefs?: boolean;
  fieldManager?: string;
}

/** `<namespace>/<name>` of the ImageRepository a policy refers to. */
export function repositoryKeyOf(policy: ImagePolicy): string {
  const namespace = policy.spec?.imageRepositoryRef.namespace || policy.metadata?.namespace || '';
  return TagStore.key(namespace, policy.spec?.imageRepositoryRef.name ?? '');
}

export class ImagePolicyReconciler {
  readonly #options: ImagePolicyReconcilerOptions;
  readonly #status: StatusPatcher;
  /** Compiled policies by object and generation, so 10,000 tags are not met by a new RegExp each time. */
  readonly #compiled = new Map<string, { generation: number | undefined; policy: TagPolicy }>();

  constructor(options: ImagePolicyReconcilerOptions) {
    this.#options = options;
    this.#status = new StatusPatcher(options.client, options.fieldManager ?? 'image-reflector-controller');
  }

  readonly reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    const { cache, repositories } = this.#options;
    await Promise.all([cache.hasSynced(), repositories.hasSynced()]);
    const namespace = key.namespace ?? '';
    const cacheKey = `${namespace}/${key.name}`;
    const object = cache.get(namespace, key.name);
    if (!object || object.metadata?.deletionTimestamp) {
      this.#compiled.delete(cacheKey);
      if (object) this.#status.forget(object);
      return {};
    }
    if (object.spec?.suspend) {
      log.info('Reconciliation is suspended for this object');
      return {};
    }
    const run = new PolicyRun(this.#options, this.#status, object, log);
    try {
      return await run.execute(this.#policyOf(cacheKey, object));
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      return run.fail(error);
    }
  };

  #policyOf(cacheKey: string, object: ImagePolicy): TagPolicy {
    const generation = object.metadata?.generation;
    const cached = this.#compiled.get(cacheKey);
    if (cached && cached.generation === generation) return cached.policy;
    const policy = compileTagPolicy(object.spec?.policy, object.spec?.filterTags);
    this.#compiled.set(cacheKey, { generation, policy });
    return policy;
  }
}

/** One reconcile of one ImagePolicy: a working copy of its status, written once at the end. */
class PolicyRun {
  readonly #options: ImagePolicyReconcilerOptions;
  readonly #patcher: StatusPatcher;
  readonly #object: ImagePolicy;
  readonly #work: ImagePolicy;
  readonly #log: Logger;

  constructor(options: ImagePolicyReconcilerOptions, patcher: StatusPatcher, object: ImagePolicy, log: Logger) {
    this.#options = options;
    this.#patcher = patcher;
    this.#object = object;
    this.#work = { ...object, status: structuredClone(object.status ?? {}) };
    this.#log = log;
  }

  get #status(): ImagePolicyStatus {
    return this.#work.status!;
  }

  async execute(policy: TagPolicy): Promise<ReconcileResult> {
    removeCondition(this.#work, 'Stalled');
    const repository = await this.#repository();
    const repositoryName = `${repository.metadata?.namespace}/${repository.metadata?.name}`;
    const stored = this.#options.store.get(repositoryKeyOf(this.#object));
    if (!stored && repository.status?.lastScanResult) {
      // Scanned before, not yet by this process (a restart, a new leader): the store enqueues us when the tags land,
      // and until then the status written by the last process still holds, so nothing is written.
      return {};
    }
    if (!stored) {
      // The store tells us when the scan lands; nothing to retry until then.
      throw new ImageError(
        ImageReason.DependencyNotReady,
        `ImageRepository ${repositoryName} has not been scanned yet`,
      );
    }
    const tag = policy.latest(stored.tags);
    const image = repository.spec?.image ?? '';
    const previous = this.#object.status?.latestRef;
    const latest: ImageRef = { name: image, tag };
    const reflection = this.#object.spec?.digestReflectionPolicy ?? 'Never';
    if (reflection === 'IfNotPresent' && previous?.name === image && previous.tag === tag && previous.digest) {
      latest.digest = previous.digest;
    } else if (reflection !== 'Never') {
      latest.digest = await this.#digestOf(repository, tag);
    }

    const changed =
      previous !== undefined &&
      (previous.name !== latest.name || previous.tag !== latest.tag || previous.digest !== latest.digest);
    if (changed) this.#status.observedPreviousRef = previous;
    this.#status.latestRef = latest;
    const message = `Latest image tag for ${image} resolved to ${tag}`;
    markReady(this.#work, ImageReason.Succeeded, message);
    await this.#finish();
    if (changed || previous === undefined) {
      await recordEvent(
        this.#options.events,
        this.#object,
        ImageKind.ImagePolicy,
        {
          type: 'Normal',
          reason: ImageReason.Succeeded,
          message: changed ? describeChange(previous, latest) : message,
        },
        this.#log,
      );
      this.#log.info({ image, tag, digest: latest.digest, previousTag: previous?.tag }, 'Latest image changed');
    }
    return reflection === 'Always' ? { requeueAfter: intervalOf(this.#object) } : {};
  }

  async fail(error: ImageError): Promise<ReconcileResult> {
    // Flux clears observedPreviousRef on failure, so a recovery is not mistaken for an upgrade.
    delete this.#status.observedPreviousRef;
    if (error.stalled) markStalled(this.#work, error.reason, error.message);
    else markFailed(this.#work, error.reason, error.message);
    const before = this.#object.status;
    await this.#finish();
    if (JSON.stringify(before?.conditions) !== JSON.stringify(this.#status.conditions)) {
      await recordEvent(
        this.#options.events,
        this.#object,
        ImageKind.ImagePolicy,
        { type: 'Warning', reason: error.reason, message: error.message },
        this.#log,
      );
    }
    this.#log.error({ reason: error.reason }, error.message);
    // A new scan or a change of the repository enqueues this policy again; the registry digest is worth a retry.
    if (error.retryAfterMs !== undefined) return { requeueAfter: error.retryAfterMs };
    if (error.reason === ImageReason.Failure || error.reason === ImageReason.AuthenticationFailed) throw error;
    return this.#object.spec?.digestReflectionPolicy === 'Always' ? { requeueAfter: intervalOf(this.#object) } : {};
  }

  async #repository(): Promise<ImageRepository> {
    const policyNamespace = this.#object.metadata?.namespace ?? '';
    const ref = this.#object.spec?.imageRepositoryRef;
    if (!ref) throw new ImageError(ImageReason.Failure, 'spec.imageRepositoryRef is missing', { stalled: true });
    const namespace = ref.namespace || policyNamespace;
    const name = `${namespace}/${ref.name}`;
    const repository = this.#options.repositories.get(namespace, ref.name);
    if (!repository)
      throw new ImageError(ImageReason.DependencyNotReady, `referenced ImageRepository ${name} does not exist`);
    if (namespace !== policyNamespace) await this.#checkAccess(repository, name, policyNamespace);
    return repository;
  }

  async #checkAccess(repository: ImageRepository, name: string, policyNamespace: string): Promise<void> {
    if (this.#options.noCrossNamespaceRefs) {
      throw new ImageError(
        ImageReason.AccessDenied,
        `spec.imageRepositoryRef: cross-namespace reference to ImageRepository ${name} refused (--no-cross-namespace-refs)`,
      );
    }
    let labels: Record<string, string> = {};
    try {
      const namespace = await this.#options.client.get<{ metadata?: { labels?: Record<string, string> } }>({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: policyNamespace,
      });
      labels = namespace.metadata?.labels ?? {};
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (!accessFromAllows(repository.spec?.accessFrom, labels)) {
      throw new ImageError(
        ImageReason.AccessDenied,
        `spec.imageRepositoryRef: ImageRepository ${name} does not allow references from namespace '${policyNamespace}': ` +
          'its spec.accessFrom.namespaceSelectors must match the labels of this namespace',
      );
    }
  }

  async #digestOf(repository: ImageRepository, tag: string): Promise<string> {
    const namespace = repository.metadata?.namespace ?? '';
    try {
      const plan = planImageRepository(repository.spec);
      const access = await this.#options.resolveAccess(this.#options.client, namespace, plan);
      return await this.#options.registry.manifestDigest(plan.image, tag, access, AbortSignal.timeout(plan.timeoutMs));
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      // The fix is on the ImageRepository (its spec, Secrets or registry), so this policy is not Stalled by it.
      const where = `digest of tag '${tag}' via ImageRepository ${namespace}/${repository.metadata?.name}`;
      throw new ImageError(
        error.reason,
        `${where}: ${error.message}`,
        error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs },
      );
    }
  }

  async #finish(): Promise<void> {
    setObservedGeneration(this.#work);
    setLastHandledReconcileAt(this.#work);
    await writeStatusIfChanged(this.#patcher, this.#object, this.#status);
  }
}

/** "web: 1.25.0 → 1.26.0", or the digest when only the digest moved (a mutable tag such as latest). */
export function describeChange(previous: ImageRef, latest: ImageRef): string {
  const name = previous.name === latest.name ? latest.name : `${previous.name} → ${latest.name}`;
  if (previous.tag !== latest.tag) return `${name}: ${previous.tag} → ${latest.tag}`;
  return `${name}:${latest.tag}: ${previous.digest ?? 'no digest'} → ${latest.digest ?? 'no digest'}`;
}

function intervalOf(policy: ImagePolicy): number {
  // Flux's default when Always comes without an interval (the CRD refuses that, an old object may have it).
  return policy.spec?.interval ? parseGoDuration(policy.spec.interval) : 10 * 60_000;
}
