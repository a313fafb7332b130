// Caches unpacked artifacts (by digest) and builds (by digest, path and overrides), so an unchanged reconcile does neither again.
import type { KObject } from 'kustomize-ts';
import { fetchArtifact, type FetchArtifactOptions, type FetchedArtifact } from '@fluxion/runtime';

interface ArtifactEntry {
  promise: Promise<FetchedArtifact>;
  users: number;
}

export interface ArtifactLease {
  dir: string;
  release(): void;
}

export class ArtifactCache {
  private readonly entries = new Map<string, ArtifactEntry>();
  private readonly capacity: number;

  constructor(capacity = 16) {
    this.capacity = capacity;
  }

  /** The unpacked artifact; concurrent callers share one download. Release the lease when the build is done. */
  async acquire(url: string, options: FetchArtifactOptions): Promise<ArtifactLease> {
    const key = `${options.digest ?? ''}|${url}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { promise: fetchArtifact(url, { tempPrefix: 'kustomization-', ...options }), users: 0 };
      this.entries.set(key, entry);
      // a failed download is not cached: the next reconcile tries again
      entry.promise.catch(() => this.entries.delete(key));
    } else {
      // most recently used last
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    entry.users++;
    const current = entry;
    try {
      const fetched = await current.promise;
      return {
        dir: fetched.dir,
        release: () => {
          current.users--;
          this.evict();
        },
      };
    } catch (error) {
      current.users--;
      throw error;
    }
  }

  /** Removes every unpacked artifact nobody uses. */
  async clear(): Promise<void> {
    const idle = [...this.entries].filter(([, entry]) => entry.users === 0);
    for (const [key] of idle) this.entries.delete(key);
    await Promise.allSettled(idle.map(async ([, entry]) => (await entry.promise).cleanup()));
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.capacity) return;
      if (entry.users > 0) continue;
      this.entries.delete(key);
      void entry.promise.then((fetched) => fetched.cleanup()).catch(() => undefined);
    }
  }
}

/**
 * Build results by key; concurrent callers share one build; callers get their own copy to change. Results are kept as
 * JSON text: less memory than the objects for a fleet of Kustomizations, and parsing it makes the copy.
 */
export class BuildCache {
  private readonly entries = new Map<string, string>();
  private readonly building = new Map<string, Promise<string>>();
  private readonly capacity: number;

  constructor(capacity = 2048) {
    this.capacity = capacity;
  }

  async getOrBuild(key: string, buildObjects: () => Promise<KObject[]>): Promise<KObject[]> {
    let text = this.entries.get(key);
    if (text !== undefined) {
      this.entries.delete(key);
    } else {
      let pending = this.building.get(key);
      if (!pending) {
        pending = buildObjects()
          .then((objects) => JSON.stringify(objects))
          .finally(() => this.building.delete(key));
        this.building.set(key, pending);
      }
      text = await pending;
    }
    this.entries.set(key, text);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return JSON.parse(text) as KObject[];
  }
}
