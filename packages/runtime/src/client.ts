// A small typed client for any kind: get/list/create/patch/apply/delete and the status subresource, rate limited.
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { isNotFound } from './api-error.ts';
import { ApiDiscovery } from './api-discovery.ts';
import type { KubeConfigSource } from './client-node-kube-config.ts';
import type { ApiResource, GroupVersionKind } from './group-version-kind.ts';
import { InvalidObjectError, formatApiVersion, gvkOf, objectLabel, parseApiVersion } from './group-version-kind.ts';
import type { RuntimeOptions } from './flags.ts';
import { HttpTransport } from './http-transport.ts';
import type { LineStream, Query } from './http-transport.ts';
import { kubeConfigFromString, loadKubeConfig } from './kube-config.ts';
import type { KubeconfigPolicy } from './kubeconfig-rest-config.ts';
import { TokenBucketRateLimiter } from './rate-limiter.ts';

export interface ClientOptions {
  /** An already loaded config (the runtime's, or a client-node KubeConfig); otherwise KUBECONFIG / in-cluster / ~/.kube/config. */
  kubeConfig?: KubeConfigSource;
  kubeconfigPath?: string;
  /** `--kube-api-qps` (Flux default 50) and `--kube-api-burst` (Flux default 300). */
  qps?: number;
  burst?: number;
  userAgent?: string;
  requestTimeoutMs?: number;
}

/** Enough to find one object: its type, name and (for namespaced kinds) namespace. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
}

export type PatchType = 'merge' | 'json' | 'strategic';
export type Subresource = 'status' | 'scale';

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  subresource?: Subresource;
}

export interface ApplyOptions extends WriteOptions {
  fieldManager: string;
  force?: boolean;
}

export interface ListOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Page size; the client follows `continue` tokens until the list is complete. */
  limit?: number;
  /**
   * `'0'`: whatever the API server's watch cache holds, answered at once but possibly a moment stale. Unset: a
   * consistent read, which waits until the cache has caught up with etcd.
   */
  resourceVersion?: '0';
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export interface WatchOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  resourceVersion?: string | undefined;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  dryRun?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export function refOf(object: KubernetesObject): ObjectRef {
  if (!object.apiVersion || !object.kind || !object.metadata?.name) {
    throw new InvalidObjectError(`${objectLabel(object)}: an object needs apiVersion, kind and metadata.name`);
  }
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    namespace: object.metadata.namespace,
  };
}

export class KubeClient {
  readonly transport: HttpTransport;
  readonly discovery: ApiDiscovery;

  constructor(transport: HttpTransport, discovery?: ApiDiscovery) {
    this.transport = transport;
    this.discovery = discovery ?? new ApiDiscovery(transport);
  }

  /** The same server, acting as a ServiceAccount (`spec.serviceAccountName`); RBAC applies as for that account. */
  impersonateServiceAccount(namespace: string, name: string): KubeClient {
    return this.impersonateUser(`system:serviceaccount:${namespace}:${name}`);
  }

  impersonateUser(user: string): KubeClient {
    return new KubeClient(this.transport.withHeaders({ 'Impersonate-User': user }), this.discovery);
  }

  resourceFor(gvk: GroupVersionKind): Promise<ApiResource> {
    return this.discovery.resourceFor(gvk);
  }

  async get<T extends KubernetesObject = KubernetesObject>(
    ref: ObjectRef,
    options: { subresource?: Subresource } = {},
  ): Promise<T> {
    const path = await this.objectPath(ref, options.subresource);
    return this.transport.requestJson<T>({ method: 'GET', path });
  }

  /** `undefined` instead of a NotFound error. */
  async getIfExists<T extends KubernetesObject = KubernetesObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return await this.get<T>(ref);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list<T extends KubernetesObject = KubernetesObject>(
    gvk: GroupVersionKind,
    options: ListOptions = {},
  ): Promise<ListResult<T>> {
    const resource = await this.resourceFor(gvk);
    const path = collectionPath(resource, options.namespace);
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const query: Query = {
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        limit: options.limit ?? 500,
        continue: continueToken,
        resourceVersion: continueToken ? undefined : options.resourceVersion,
      };
      const page = await this.transport.requestJson<KubernetesListObject<T>>({ method: 'GET', path, query });
      for (const item of page.items) items.push(withTypeMeta(item, gvk));
      // raw JSON says `continue`; client-node's model type calls it `_continue`
      continueToken = (page.metadata as { continue?: string } | undefined)?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (continueToken);
    return { items, resourceVersion };
  }

  async create<T extends KubernetesObject>(object: T, options: WriteOptions = {}): Promise<T> {
    const ref = refOf(object);
    const resource = await this.resourceFor(gvkOf(object));
    const path = collectionPath(resource, namespaceFor(resource, ref));
    return this.transport.requestJson<T>({ method: 'POST', path, body: object, query: writeQuery(options) });
  }

  /** PUT: a full replace, guarded by metadata.resourceVersion when it is set. */
  async replace<T extends KubernetesObject>(object: T, options: WriteOptions = {}): Promise<T> {
    const path = await this.objectPath(refOf(object), options.subresource);
    return this.transport.requestJson<T>({ method: 'PUT', path, body: object, query: writeQuery(options) });
  }

  async patch<T extends KubernetesObject = KubernetesObject>(
    ref: ObjectRef,
    patch: unknown,
    type: PatchType,
    options: WriteOptions = {},
  ): Promise<T> {
    const path = await this.objectPath(ref, options.subresource);
    return this.transport.requestJson<T>({
      method: 'PATCH',
      path,
      body: patch,
      contentType: patchContentTypes[type],
      query: writeQuery(options),
    });
  }

  /** Server-side apply: the object is our whole intent for the fields `fieldManager` owns. */
  async apply<T extends KubernetesObject>(object: T, options: ApplyOptions): Promise<T> {
    const path = await this.objectPath(refOf(object), options.subresource);
    const query: Query = { ...writeQuery(options), force: options.force ? 'true' : undefined };
    return this.transport.requestJson<T>({
      method: 'PATCH',
      path,
      body: object,
      contentType: 'application/apply-patch+yaml',
      query,
    });
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    const path = await this.objectPath(ref);
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
      ...(options.preconditions ? { preconditions: options.preconditions } : {}),
    };
    await this.transport.requestText({
      method: 'DELETE',
      path,
      body,
      query: { dryRun: options.dryRun ? 'All' : undefined },
    });
  }

  /** `true` if it was deleted or already gone. */
  async deleteIfExists(ref: ObjectRef, options: DeleteOptions = {}): Promise<boolean> {
    try {
      await this.delete(ref, options);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Opens one watch request; see watcher.ts for the loop that survives disconnects and 410s. */
  async openWatch(gvk: GroupVersionKind, options: WatchOptions): Promise<LineStream> {
    const resource = await this.resourceFor(gvk);
    const query: Query = {
      watch: 'true',
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks ? 'true' : undefined,
      timeoutSeconds: options.timeoutSeconds,
    };
    return this.transport.openLineStream({
      path: collectionPath(resource, options.namespace),
      query,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async objectPath(ref: ObjectRef, subresource?: Subresource): Promise<string> {
    const resource = await this.resourceFor({ ...parseApiVersion(ref.apiVersion), kind: ref.kind });
    const base = `${collectionPath(resource, namespaceFor(resource, ref))}/${encodeURIComponent(ref.name)}`;
    return subresource ? `${base}/${subresource}` : base;
  }
}

export function createClient(options: ClientOptions = {}): KubeClient {
  const kubeConfig =
    options.kubeConfig ?? loadKubeConfig(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {});
  const transport = new HttpTransport(kubeConfig, {
    rateLimiter: new TokenBucketRateLimiter(options.qps ?? 50, options.burst ?? 300),
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  return new KubeClient(transport);
}

/**
 * The process's client as the shared flags configure it: `--kube-api-qps` and `--kube-api-burst` from
 * `runtimeOptionsFromFlags`, the rest (kubeconfig, user agent) from `options`.
 */
export function clientFromFlags(
  runtime: Pick<RuntimeOptions, 'kubeApiQps' | 'kubeApiBurst'>,
  options: Omit<ClientOptions, 'qps' | 'burst'> = {},
): KubeClient {
  return createClient({ ...options, qps: runtime.kubeApiQps, burst: runtime.kubeApiBurst });
}

/**
 * A client for a remote cluster from the kubeconfig a user put in a Secret; `origin` names that Secret in errors.
 * Exec plugins in it are refused unless `allowExec` (Flux's --insecure-kubeconfig-exec).
 */
export function clientFromKubeconfigString(
  kubeconfigYaml: string,
  options: Omit<ClientOptions, 'kubeConfig' | 'kubeconfigPath'> & { origin?: string } & KubeconfigPolicy = {},
): KubeClient {
  const { origin, allowExec, allowInsecureTls, ...clientOptions } = options;
  const policy = {
    ...(allowExec !== undefined ? { allowExec } : {}),
    ...(allowInsecureTls !== undefined ? { allowInsecureTls } : {}),
  };
  return createClient({ ...clientOptions, kubeConfig: kubeConfigFromString(kubeconfigYaml, origin, policy) });
}

function collectionPath(resource: ApiResource, namespace: string | undefined): string {
  const root = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  return resource.namespaced && namespace
    ? `${root}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`
    : `${root}/${resource.plural}`;
}

function namespaceFor(resource: ApiResource, ref: ObjectRef): string | undefined {
  if (!resource.namespaced) return undefined;
  if (!ref.namespace) {
    throw new InvalidObjectError(
      `${ref.kind}/${ref.name}: ${formatApiVersion(resource)} ${ref.kind} is namespaced, but no namespace was given`,
    );
  }
  return ref.namespace;
}

function writeQuery(options: WriteOptions): Query {
  return { fieldManager: options.fieldManager, dryRun: options.dryRun ? 'All' : undefined };
}

/** List items come without apiVersion/kind; put them back so each item stands alone. */
function withTypeMeta<T extends KubernetesObject>(item: T, gvk: GroupVersionKind): T {
  return { ...item, apiVersion: formatApiVersion(gvk), kind: gvk.kind };
}
