// reflector: the read cache a controller reconciles from, filled by a watcher, with secondary indexes and hasSynced.
import type { KubernetesObject } from '@kubernetes/client-node';
import { isApiError } from './api-error.ts';
import type { KubeClient } from './client.ts';
import type { Logger } from './logger.ts';
import type { GroupVersionKind } from './group-version-kind.ts';
import { objectKey } from './group-version-kind.ts';
import type { WatcherDiagnostic, WatcherEvent, WatcherOptions } from './watcher.ts';
import { watcher } from './watcher.ts';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent<T extends KubernetesObject> {
  type: StoreEventType;
  object: T;
  /** The cached object before this change, on MODIFIED and DELETED. */
  oldObject?: T;
}

/** Handlers should only enqueue keys; whatever they throw is caught and reported, never propagated. */
export type StoreEventHandler<T extends KubernetesObject> = (event: StoreEvent<T>) => void;

export type IndexFunction<T extends KubernetesObject> = (object: T) => string[];

export interface ReflectorOptions extends Omit<WatcherOptions, 'signal'> {
  onHandlerError?: (error: unknown, event: StoreEvent<KubernetesObject>) => void;
  /**
   * Where the cache reports its trouble, each line naming the kind: a failed list or watch (warn, once per new
   * failure), a watch restarted after 410 Gone or silence (info), an event handler that threw (error).
   */
  logger?: Logger;
}

/** Why a cache is not synced, as a readiness check shows it: e.g. the permission the controller lacks. */
export class CacheNotSyncedError extends Error {
  override readonly name = 'CacheNotSyncedError';
  readonly reason = 'CacheNotSynced';
}

interface Index<T extends KubernetesObject> {
  keysOf: IndexFunction<T>;
  entries: Map<string, Set<string>>;
}

export class Reflector<T extends KubernetesObject = KubernetesObject> {
  readonly gvk: GroupVersionKind;
  private readonly client: KubeClient;
  private readonly options: ReflectorOptions;
  private readonly objects = new Map<string, T>();
  private readonly indexes = new Map<string, Index<T>>();
  private readonly handlers = new Set<StoreEventHandler<T>>();
  private relistBuffer: Map<string, T> | undefined;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private synced = false;
  private resolveSynced!: () => void;
  private readonly syncedPromise: Promise<void>;
  private lastResourceVersion = '';
  /** The last list or watch failure, until a list succeeds: a failure repeating it is not reported again. */
  private lastFailure: string | undefined;
  private lastFailureForbidden = false;

  constructor(client: KubeClient, gvk: GroupVersionKind, options: ReflectorOptions = {}) {
    this.client = client;
    this.gvk = gvk;
    this.options = options;
    this.syncedPromise = new Promise((resolve) => (this.resolveSynced = resolve));
  }

  /** Starts list+watch in the background; returns at once. Stop with stop() or the signal. */
  start(signal?: AbortSignal): void {
    if (this.running) return;
    this.abort = new AbortController();
    signal?.addEventListener('abort', () => this.abort?.abort(), { once: true });
    const events = watcher<T>(this.client, this.gvk, {
      ...this.options,
      signal: this.abort.signal,
      onDiagnostic: (d) => this.diagnose(d),
    });
    this.running = (async () => {
      for await (const event of events) this.apply(event);
    })().catch((error: unknown) => {
      // the watcher retries everything itself; reaching here is a bug, reported rather than crashing the process
      const diagnostic: WatcherDiagnostic = {
        type: 'error',
        error: error instanceof Error ? error : new Error(String(error)),
        retryInMs: -1,
      };
      this.log(diagnostic);
      this.options.onDiagnostic?.(diagnostic);
    });
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
    this.running = undefined;
  }

  /**
   * A readiness check: throws until the first list is in, naming why (the API server's answer, e.g. which
   * permission is missing) when listing or watching failed.
   */
  assertSynced(): void {
    // Once synced, only a lost permission fails readiness; a dropped watch is retried and the cache still serves.
    if (this.synced && !this.lastFailureForbidden) return;
    const what = `the ${this.gvk.kind} cache`;
    if (this.lastFailure !== undefined && (!this.synced || this.lastFailureForbidden))
      throw new CacheNotSyncedError(`${what} cannot list and watch: ${this.lastFailure}`);
    throw new CacheNotSyncedError(`${what} has not finished its first list`);
  }

  /** Resolves once the first full list is in the store. */
  hasSynced(): Promise<void> {
    return this.syncedPromise;
  }

  get isSynced(): boolean {
    return this.synced;
  }

  /** The resourceVersion of the newest event or list the store has seen. */
  get resourceVersion(): string {
    return this.lastResourceVersion;
  }

  /** `get('ns/name')`, `get('ns', 'name')`, or `get('name')` for cluster-scoped kinds. */
  get(namespaceOrKey: string, name?: string): T | undefined {
    return this.objects.get(name === undefined ? namespaceOrKey : namespaceOrKey ? `${namespaceOrKey}/${name}` : name);
  }

  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((object) => object.metadata?.namespace === namespace);
  }

  keys(): string[] {
    return [...this.objects.keys()];
  }

  get size(): number {
    return this.objects.size;
  }

  /** A secondary index, e.g. `index('by-source-ref', ks => [sourceKey(ks)])`; add before start() or it is built now. */
  index(name: string, keysOf: IndexFunction<T>): void {
    const index: Index<T> = { keysOf, entries: new Map() };
    this.indexes.set(name, index);
    for (const [key, object] of this.objects) addToIndex(index, key, object);
  }

  byIndex(name: string, value: string): T[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`reflector for ${this.gvk.kind} has no index "${name}"; declare it with index()`);
    return [...(index.entries.get(value) ?? [])].flatMap((key) => this.objects.get(key) ?? []);
  }

  /** Subscribe to ADDED / MODIFIED / DELETED; returns an unsubscribe function. */
  onEvent(handler: StoreEventHandler<T>): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Passes diagnostics on, but a failure that repeats the last one only once (the watcher retries it with backoff). */
  private diagnose(diagnostic: WatcherDiagnostic): void {
    if (diagnostic.type === 'error') {
      const failure = isApiError(diagnostic.error) ? diagnostic.error.serverMessage : diagnostic.error.message;
      const repeated = failure === this.lastFailure;
      this.lastFailure = failure;
      this.lastFailureForbidden = isApiError(diagnostic.error) && diagnostic.error.statusCode === 403;
      if (repeated) return;
    } else if (diagnostic.type === 'listed' || diagnostic.type === 'watch-opened') {
      this.lastFailure = undefined;
      this.lastFailureForbidden = false;
    }
    this.log(diagnostic);
    this.options.onDiagnostic?.(diagnostic);
  }

  private log(diagnostic: WatcherDiagnostic): void {
    const { logger } = this.options;
    const kind = this.gvk.kind;
    if (diagnostic.type === 'error')
      logger?.warn({ kind, err: diagnostic.error, retryInMs: diagnostic.retryInMs }, `${kind} watch failed`);
    else if (diagnostic.type === 'gone' || diagnostic.type === 'silent')
      logger?.info({ kind, diagnostic: diagnostic.type }, `${kind} watch restarted`);
  }

  private apply(event: WatcherEvent<T>): void {
    switch (event.type) {
      case 'InitStarted':
        this.relistBuffer = new Map();
        return;
      case 'InitApply':
        this.relistBuffer?.set(objectKey(event.object), event.object);
        return;
      case 'InitDone':
        this.replaceAll(this.relistBuffer ?? new Map());
        this.relistBuffer = undefined;
        this.lastResourceVersion = event.resourceVersion;
        if (!this.synced) {
          this.synced = true;
          this.resolveSynced();
        }
        return;
      case 'Apply':
        this.upsert(event.object);
        return;
      case 'Delete':
        this.remove(objectKey(event.object), event.object);
        return;
    }
  }

  /** A relist: whatever changed or vanished while the watch was down becomes ordinary events. */
  private replaceAll(listed: Map<string, T>): void {
    for (const [key, old] of [...this.objects]) {
      if (!listed.has(key)) this.remove(key, old);
    }
    for (const object of listed.values()) this.upsert(object);
  }

  private upsert(object: T): void {
    const key = objectKey(object);
    const old = this.objects.get(key);
    this.lastResourceVersion = object.metadata?.resourceVersion ?? this.lastResourceVersion;
    if (old && old.metadata?.resourceVersion === object.metadata?.resourceVersion) return;
    this.objects.set(key, object);
    for (const index of this.indexes.values()) {
      if (old) removeFromIndex(index, key, old);
      addToIndex(index, key, object);
    }
    this.emit(old ? { type: 'MODIFIED', object, oldObject: old } : { type: 'ADDED', object });
  }

  private remove(key: string, deleted: T): void {
    const old = this.objects.get(key);
    if (!old) return;
    this.objects.delete(key);
    for (const index of this.indexes.values()) removeFromIndex(index, key, old);
    this.lastResourceVersion = deleted.metadata?.resourceVersion ?? this.lastResourceVersion;
    this.emit({ type: 'DELETED', object: deleted, oldObject: old });
  }

  private emit(event: StoreEvent<T>): void {
    for (const handler of this.handlers) {
      try {
        handler(event);
      } catch (error) {
        try {
          this.options.logger?.error({ kind: this.gvk.kind, err: error }, `${this.gvk.kind} event handler failed`);
          this.options.onHandlerError?.(error, event);
        } catch {
          // the error reporter itself failed: nothing sensible left to do
        }
      }
    }
  }
}

function addToIndex<T extends KubernetesObject>(index: Index<T>, key: string, object: T): void {
  for (const value of safeKeys(index, object)) {
    let keys = index.entries.get(value);
    if (!keys) index.entries.set(value, (keys = new Set()));
    keys.add(key);
  }
}

function removeFromIndex<T extends KubernetesObject>(index: Index<T>, key: string, object: T): void {
  for (const value of safeKeys(index, object)) {
    const keys = index.entries.get(value);
    keys?.delete(key);
    if (keys?.size === 0) index.entries.delete(value);
  }
}

// an index function that throws on a malformed object indexes it nowhere rather than stopping the watch
function safeKeys<T extends KubernetesObject>(index: Index<T>, object: T): string[] {
  try {
    return index.keysOf(object);
  } catch {
    return [];
  }
}

/** `--watch-all-namespaces` / `--watch-label-selector` as Flux defines them, turned into watch scope. */
export function watchScope(flags: {
  watchAllNamespaces: boolean;
  runtimeNamespace: string;
  watchLabelSelector?: string;
}): Pick<WatcherOptions, 'namespace' | 'labelSelector'> {
  return {
    namespace: flags.watchAllNamespaces ? undefined : flags.runtimeNamespace,
    labelSelector: flags.watchLabelSelector || undefined,
  };
}

export type { WatcherDiagnostic };
