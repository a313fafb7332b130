// ResourceManager: staged server-side apply with a dry-run per stage, drift detection, field takeover and recreate.
import type { KubernetesObject } from '@kubernetes/client-node';
import { NoKindMatchError } from '../api-discovery.ts';
import { isApiError, isInvalid } from '../api-error.ts';
import type { KubeClient } from '../client.ts';
import { refOf } from '../client.ts';
import type { ApiResource } from '../group-version-kind.ts';
import { InvalidObjectError, gvkOf, objectLabel } from '../group-version-kind.ts';
import type { ChangeSetEntry, ObjectIdentity } from './change-set.ts';
import { ChangeSet, changeSetEntry, identityOf } from './change-set.ts';
import { mapConcurrent } from './concurrency.ts';
import { hasDrifted } from './drift.ts';
import type { RejectedObject } from './errors.ts';
import { ApplyError, ApplyValidationError } from './errors.ts';
import type { FieldManagerMatch } from './field-managers.ts';
import { defaultTakeOverManagers, takeOverFieldManagersPatch } from './field-managers.ts';
import { isImmutableFieldError } from './immutable.ts';
import { recreate } from './recreate.ts';
import { isCustomResourceDefinition, splitIntoStages } from './stages.ts';
import type { ResolvedObject } from './live-objects.ts';
import { readLiveObjects } from './live-objects.ts';
import { waitForCrdsEstablished } from './crd-established.ts';

export interface ResourceManagerOptions {
  /** The server-side apply field manager, e.g. `kustomize-controller`. */
  fieldManager: string;
  /** Managers whose fields are taken over before applying (default: kubectl*, before-first-apply). */
  takeOverManagers?: FieldManagerMatch[];
  /** Requests in flight at once (the client's QPS limit still applies). */
  concurrency?: number;
}

export interface ApplyAllOptions {
  /** Delete and recreate objects whose change touches an immutable field. */
  force?: boolean;
  /** The namespace for namespaced objects that name none. Without it such objects are rejected. */
  defaultNamespace?: string;
  /** How long to wait for applied CRDs to be Established before the next stage (default 60 s). */
  crdEstablishedTimeoutMs?: number;
  signal?: AbortSignal;
}

interface PlannedObject {
  object: KubernetesObject;
  identity: ObjectIdentity;
  resource: ApiResource;
  live: KubernetesObject | undefined;
  dryRun: KubernetesObject | undefined;
  recreate: boolean;
}

export class ResourceManager {
  readonly client: KubeClient;
  readonly fieldManager: string;
  private readonly takeOverManagers: FieldManagerMatch[];
  private readonly concurrency: number;

  constructor(client: KubeClient, options: ResourceManagerOptions) {
    this.client = client;
    this.fieldManager = options.fieldManager;
    this.takeOverManagers = options.takeOverManagers ?? defaultTakeOverManagers(options.fieldManager);
    this.concurrency = options.concurrency ?? 16;
  }

  /**
   * Applies the objects in stages (cluster definitions, *Class kinds, the rest). Each stage is dry-run as a whole
   * first: if the API server rejects any object, nothing of that stage is written and the error names every one.
   */
  async applyAll(objects: readonly KubernetesObject[], options: ApplyAllOptions = {}): Promise<ChangeSet> {
    const changeSet = new ChangeSet();
    assertNoDuplicates(objects, changeSet);
    for (const { objects: stageObjects } of splitIntoStages(objects)) {
      options.signal?.throwIfAborted();
      const entries = await this.applyStage(stageObjects, options, changeSet);
      changeSet.add(...entries);
      const crds = stageObjects.filter(isCustomResourceDefinition);
      if (crds.length > 0) {
        // the kinds those CRDs define must be found by the next stage
        await waitForCrdsEstablished(
          this.client,
          crds.map(refOf),
          options.crdEstablishedTimeoutMs ?? 60_000,
          options.signal,
        );
      }
    }
    return changeSet;
  }

  private async applyStage(
    objects: readonly KubernetesObject[],
    options: ApplyAllOptions,
    changeSet: ChangeSet,
  ): Promise<ChangeSetEntry[]> {
    const rejected: RejectedObject[] = [];
    const reject = (object: KubernetesObject, error: unknown): undefined => {
      rejected.push({ subject: objectLabel(object), message: describeError(error) });
      return undefined;
    };
    const resolved = await mapConcurrent(objects, this.concurrency, async (manifest) => {
      try {
        const resource = await this.client.resourceFor(gvkOf(manifest));
        return { object: normalize(manifest, resource, options.defaultNamespace), resource };
      } catch (error) {
        return reject(manifest, error);
      }
    });
    if (rejected.length > 0) throw new ApplyValidationError(rejected, changeSet);
    const resolvedObjects = resolved as ResolvedObject[];
    const liveObjects = await readLiveObjects(this.client, resolvedObjects, this.concurrency);
    const planned = await mapConcurrent(resolvedObjects, this.concurrency, async (entry, index) => {
      try {
        const live = liveObjects[index];
        if (live instanceof Error) throw live;
        return await this.plan(entry, live, options);
      } catch (error) {
        return reject(entry.object, error);
      }
    });
    if (rejected.length > 0) throw new ApplyValidationError(rejected, changeSet);

    return mapConcurrent(planned as PlannedObject[], this.concurrency, async (plan) => {
      try {
        return await this.write(plan, options);
      } catch (error) {
        throw new ApplyError(objectLabel(plan.object), describeError(error), changeSet);
      }
    });
  }

  /** Dry-runs the apply against the live object; throws what the API server said. Writes nothing. */
  private async plan(
    { object, resource }: ResolvedObject,
    live: KubernetesObject | undefined,
    options: ApplyAllOptions,
  ): Promise<PlannedObject> {
    const identity = identityOf(object);
    try {
      const dryRun = await this.dryRunApply(object);
      return { object, identity, resource, live, dryRun, recreate: false };
    } catch (error) {
      if (options.force && live && isImmutableFieldError(error))
        return { object, identity, resource, live, dryRun: undefined, recreate: true };
      throw error;
    }
  }

  private async write(plan: PlannedObject, options: ApplyAllOptions): Promise<ChangeSetEntry> {
    const { object, identity } = plan;
    let { live, dryRun } = plan;
    if (plan.recreate && live) {
      await recreate(this.client, live, () => this.apply(object), options.signal);
      return changeSetEntry(identity, 'created', 'recreated: an immutable field changed');
    }
    if (!live) {
      await this.apply(object);
      return changeSetEntry(identity, 'created');
    }
    if (takeOverFieldManagersPatch(live, this.takeOverManagers, this.fieldManager)) {
      // fields kubectl left are now ours, so the dry-run shows their removal as drift
      live = await this.takeOverFieldManagers(live);
      dryRun = await this.dryRunApply(object);
    }
    if (dryRun && !hasDrifted(live, dryRun, { ignoreStatus: plan.resource.hasStatus }))
      return changeSetEntry(identity, 'unchanged');
    await this.apply(object);
    return changeSetEntry(identity, 'configured');
  }

  /** The patch is guarded by resourceVersion; a controller writing the object meanwhile means read and try again. */
  private async takeOverFieldManagers(live: KubernetesObject): Promise<KubernetesObject> {
    const ref = refOf(live);
    let current = live;
    for (let attempt = 1; ; attempt++) {
      const patch = takeOverFieldManagersPatch(current, this.takeOverManagers, this.fieldManager);
      if (!patch) return current;
      try {
        return await this.client.patch(ref, patch, 'json');
      } catch (error) {
        // a failed `test` operation answers 422; anything else, or too many races, is a real failure
        if (!isInvalid(error) || attempt >= 5) throw error;
        current = await this.client.get(ref);
      }
    }
  }

  private dryRunApply(object: KubernetesObject): Promise<KubernetesObject> {
    return this.client.apply(object, { fieldManager: this.fieldManager, force: true, dryRun: true });
  }

  private apply(object: KubernetesObject): Promise<KubernetesObject> {
    return this.client.apply(object, { fieldManager: this.fieldManager, force: true });
  }
}

/** The object as it will be sent: namespace defaulted or dropped, server-owned metadata removed. */
function normalize(
  manifest: KubernetesObject,
  resource: ApiResource,
  defaultNamespace: string | undefined,
): KubernetesObject {
  const {
    resourceVersion: _rv,
    uid: _uid,
    managedFields: _mf,
    creationTimestamp: _ct,
    generation: _gen,
    ...metadata
  } = manifest.metadata ?? {};
  if (resource.namespaced) {
    const namespace = metadata.namespace || defaultNamespace;
    if (!namespace)
      throw new InvalidObjectError(
        `${objectLabel(manifest)}: ${resource.kind} is namespaced, but the object names no namespace and no default was given`,
      );
    metadata.namespace = namespace;
  } else {
    delete metadata.namespace;
  }
  return { ...manifest, metadata };
}

function assertNoDuplicates(objects: readonly KubernetesObject[], changeSet: ChangeSet): void {
  const seen = new Set<string>();
  const rejected: RejectedObject[] = [];
  for (const object of objects) {
    const key = `${object.apiVersion?.split('/')[0]}|${objectLabel(object)}`;
    if (seen.has(key)) rejected.push({ subject: objectLabel(object), message: 'declared more than once in the set' });
    seen.add(key);
  }
  if (rejected.length > 0) throw new ApplyValidationError(rejected, changeSet);
}

function describeError(error: unknown): string {
  if (isApiError(error)) return `(${error.reason}) ${error.serverMessage}`;
  if (error instanceof NoKindMatchError || error instanceof InvalidObjectError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
