// The status a controller last wrote to each of its objects, so a reconcile that reads the watch cache (not the API
// server) sees its own last write even when the cache has not caught up with it yet.
import { isDeepStrictEqual } from 'node:util';

interface StatusObject<S> {
  metadata?: { uid?: string; resourceVersion?: string };
  status?: S;
}

interface WrittenStatus<S> {
  uid: string;
  resourceVersion: string;
  /** Only the fields this controller owns. */
  status: S;
}

export class WrittenStatuses<S extends object> {
  readonly #byKey = new Map<string, WrittenStatus<S>>();
  readonly #owned: (status: S) => S;

  /** `owned` picks the status fields this controller writes (all of them by default). */
  constructor(owned: (status: S) => S = (status) => status) {
    this.#owned = owned;
  }

  remember(key: string, uid: string, resourceVersion: string, status: S): void {
    this.#byKey.set(key, { uid, resourceVersion, status: structuredClone(this.#owned(status)) });
  }

  /**
   * The cached object with our last written status fields where the cache lags behind them. Only this controller
   * writes those fields, so what it wrote last is what the API server holds.
   */
  freshest<T extends StatusObject<S>>(key: string, cached: T): T {
    const written = this.#byKey.get(key);
    if (!written || written.uid !== cached.metadata?.uid) return cached;
    if (
      cached.metadata?.resourceVersion === written.resourceVersion ||
      isDeepStrictEqual(this.#owned(cached.status ?? ({} as S)), written.status)
    ) {
      this.#byKey.delete(key);
      return cached;
    }
    const status = { ...cached.status } as Record<string, unknown>;
    for (const field of Object.keys(this.#owned(cached.status ?? ({} as S)))) delete status[field];
    return { ...cached, status: { ...status, ...structuredClone(written.status) } };
  }

  /** The cache caught up (or the object is gone): nothing to remember. */
  observed(key: string, current: StatusObject<S> | undefined): void {
    const written = this.#byKey.get(key);
    if (written && (!current || current.metadata?.resourceVersion === written.resourceVersion)) this.#byKey.delete(key);
  }
}
