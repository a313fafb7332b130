// The status this controller last wrote to each Kustomization, so a reconcile that reads the watch cache sees its own
// last inventory even when the cache has not caught up with that write yet.
import { isDeepStrictEqual } from 'node:util';
import type { Kustomization, KustomizationStatus } from '@fluxion/api';
import { ownedStatus } from './kustomization-status.ts';

interface WrittenStatus {
  uid: string;
  resourceVersion: string;
  /** Only the fields this controller owns. */
  status: KustomizationStatus;
}

export class WrittenStatuses {
  private readonly byKey = new Map<string, WrittenStatus>();

  remember(key: string, uid: string, resourceVersion: string, status: KustomizationStatus): void {
    this.byKey.set(key, { uid, resourceVersion, status: structuredClone(ownedStatus(status)) });
  }

  /**
   * The cached object with our last written status fields where the cache lags behind them. Only this controller
   * writes those fields, so what it wrote last is what the API server holds.
   */
  freshest(key: string, cached: Kustomization): Kustomization {
    const written = this.byKey.get(key);
    if (!written || written.uid !== cached.metadata?.uid) return cached;
    if (
      cached.metadata?.resourceVersion === written.resourceVersion ||
      isDeepStrictEqual(ownedStatus(cached.status ?? {}), written.status)
    ) {
      this.byKey.delete(key);
      return cached;
    }
    const status: KustomizationStatus = { ...cached.status };
    for (const field of Object.keys(ownedStatus(status)) as Array<keyof KustomizationStatus>) delete status[field];
    return { ...cached, status: { ...status, ...structuredClone(written.status) } };
  }

  /** The cache caught up (or the object is gone): nothing to remember. */
  observed(key: string, current: Kustomization | undefined): void {
    const written = this.byKey.get(key);
    if (written && (!current || current.metadata?.resourceVersion === written.resourceVersion)) this.byKey.delete(key);
  }
}
