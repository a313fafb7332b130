// The scanned tags of each ImageRepository, in memory (Flux keeps them in a rebuildable cache too): ImagePolicies
// read them, and are told when an ImageRepository's tags are stored, changed or not.
import { createHash } from 'node:crypto';

export interface StoredTags {
  tags: readonly string[];
  /** `sha256:<hex>` of the sorted tag list: equal lists, equal revisions. */
  revision: string;
  /** When these tags were last confirmed by a scan (ms since the epoch). */
  scannedAt: number;
}

export type TagStoreListener = (repositoryKey: string) => void;

export class TagStore {
  readonly #entries = new Map<string, StoredTags>();
  readonly #listeners: TagStoreListener[] = [];

  /** `<namespace>/<name>` of an ImageRepository. */
  static key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  get(repositoryKey: string): StoredTags | undefined {
    return this.#entries.get(repositoryKey);
  }

  /** Stores a scan's tags; listeners hear when the list differs from the one held, a first fill after a restart included. */
  set(repositoryKey: string, tags: readonly string[], scannedAt: number = Date.now()): StoredTags {
    const previous = this.#entries.get(repositoryKey);
    const revision = tagListRevision(tags);
    const entry: StoredTags =
      previous?.revision === revision ? { ...previous, scannedAt } : { tags: [...tags], revision, scannedAt };
    this.#entries.set(repositoryKey, entry);
    if (previous?.revision !== revision) for (const listener of this.#listeners) listener(repositoryKey);
    return entry;
  }

  delete(repositoryKey: string): void {
    if (this.#entries.delete(repositoryKey)) for (const listener of this.#listeners) listener(repositoryKey);
  }

  onChange(listener: TagStoreListener): void {
    this.#listeners.push(listener);
  }

  get size(): number {
    return this.#entries.size;
  }
}

export function tagListRevision(tags: readonly string[]): string {
  const hash = createHash('sha256');
  for (const tag of [...tags].sort()) hash.update(tag).update('\n');
  return `sha256:${hash.digest('hex')}`;
}

const latestTagCount = 10;

/** Flux's sample of a scan: the first ten tags in descending alphabetical order. */
export function latestTags(tags: readonly string[]): string[] {
  return [...tags].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, latestTagCount);
}
