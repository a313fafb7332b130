// API discovery: which resource serves a kind, and whether it is namespaced; cached, refreshed when a kind is new.
import type { V1APIResourceList } from '@kubernetes/client-node';
import { isNotFound } from './api-error.ts';
import type { ApiResource, GroupVersionKind } from './group-version-kind.ts';
import { formatApiVersion } from './group-version-kind.ts';
import type { HttpTransport } from './http-transport.ts';

export class NoKindMatchError extends Error {
  override readonly name = 'NoKindMatchError';
  readonly reason = 'NoKindMatch';
  readonly gvk: GroupVersionKind;
  constructor(gvk: GroupVersionKind, detail: string) {
    super(`no matches for kind "${gvk.kind}" in version "${formatApiVersion(gvk)}": ${detail}`);
    this.gvk = gvk;
  }
}

interface GroupVersionEntry {
  byKind: Map<string, ApiResource>;
  fetchedAt: number;
}

export class ApiDiscovery {
  private readonly transport: HttpTransport;
  private readonly cache = new Map<string, GroupVersionEntry | 'missing'>();
  private readonly inFlight = new Map<string, Promise<GroupVersionEntry | 'missing'>>();
  private readonly missingFetchedAt = new Map<string, number>();
  /** A cached miss is trusted this long; a CRD established since is seen on the next lookup after it. */
  private readonly refreshAfterMissMs: number;

  constructor(transport: HttpTransport, options: { refreshAfterMissMs?: number } = {}) {
    this.transport = transport;
    this.refreshAfterMissMs = options.refreshAfterMissMs ?? 500;
  }

  async resourceFor(gvk: GroupVersionKind): Promise<ApiResource> {
    const key = formatApiVersion(gvk);
    let entry = this.cache.get(key) ?? (await this.fetch(key, gvk));
    let resource = entry === 'missing' ? undefined : entry.byKind.get(gvk.kind);
    if (!resource && this.staleEnoughToRefetch(key, entry)) {
      entry = await this.fetch(key, gvk);
      resource = entry === 'missing' ? undefined : entry.byKind.get(gvk.kind);
    }
    if (!resource) {
      throw new NoKindMatchError(
        gvk,
        entry === 'missing' ? `the API server does not serve ${key}` : `${key} has no kind ${gvk.kind}`,
      );
    }
    return resource;
  }

  /** Forget one group/version (`apps/v1`, `v1`), so the next lookup asks the server again. */
  forget(groupVersion: string): void {
    this.cache.delete(groupVersion);
    this.missingFetchedAt.delete(groupVersion);
  }

  /** Forget everything, e.g. after CRDs were applied or deleted. */
  invalidate(): void {
    this.cache.clear();
    this.missingFetchedAt.clear();
  }

  private staleEnoughToRefetch(key: string, entry: GroupVersionEntry | 'missing'): boolean {
    const fetchedAt = entry === 'missing' ? (this.missingFetchedAt.get(key) ?? 0) : entry.fetchedAt;
    return performance.now() - fetchedAt >= this.refreshAfterMissMs;
  }

  private fetch(key: string, gv: { group: string; version: string }): Promise<GroupVersionEntry | 'missing'> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = this.fetchGroupVersion(gv)
      .then((entry) => {
        this.cache.set(key, entry);
        if (entry === 'missing') this.missingFetchedAt.set(key, performance.now());
        return entry;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  private async fetchGroupVersion(gv: { group: string; version: string }): Promise<GroupVersionEntry | 'missing'> {
    const path = gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
    let list: V1APIResourceList;
    try {
      list = await this.transport.requestJson<V1APIResourceList>({ method: 'GET', path });
    } catch (error) {
      if (isNotFound(error)) return 'missing';
      throw error;
    }
    const withStatus = new Set(
      list.resources.filter((r) => r.name.endsWith('/status')).map((r) => r.name.split('/')[0]),
    );
    const byKind = new Map<string, ApiResource>();
    for (const resource of list.resources) {
      if (resource.name.includes('/')) continue;
      byKind.set(resource.kind, {
        group: gv.group,
        version: gv.version,
        kind: resource.kind,
        plural: resource.name,
        namespaced: resource.namespaced,
        hasStatus: withStatus.has(resource.name),
        verbs: resource.verbs,
      });
    }
    return { byKind, fetchedAt: performance.now() };
  }
}
