// Parsed Helm repository indexes shared by every HelmChart of a repository: one parse per stored index revision,
// however many charts (and concurrent reconciles) ask for it; the previous revision is dropped when a new one comes.
import { readFile } from 'node:fs/promises';
import { type HelmIndex, parseHelmIndex } from './helm-index.ts';

interface Entry {
  digest: string;
  index: Promise<HelmIndex>;
}

export class HelmIndexCache {
  readonly #entries = new Map<string, Entry>();
  readonly #onParse: ((key: string, digest: string) => void) | undefined;
  #parses = 0;

  /** `onParse` hears of every index read and parsed (the controller logs it; the benchmark counts it). */
  constructor(options: { onParse?: (key: string, digest: string) => void } = {}) {
    this.#onParse = options.onParse;
  }

  /** How many times an index file was read and parsed (for tests and the benchmark). */
  get parses(): number {
    return this.#parses;
  }

  /** The index stored at `localPath` with `digest`; `key` names the repository (one cached revision each). */
  get(key: string, localPath: string, digest: string, source: string): Promise<HelmIndex> {
    const cached = this.#entries.get(key);
    if (cached && cached.digest === digest) return cached.index;
    this.#parses++;
    this.#onParse?.(key, digest);
    const index = readFile(localPath, 'utf8').then((text) => loadStoredIndex(text, source));
    this.#entries.set(key, { digest, index });
    // A failed load is not cached: the next reconcile tries again.
    index.catch(() => {
      if (this.#entries.get(key)?.index === index) this.#entries.delete(key);
    });
    return index;
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }
}

// HelmRepository artifacts are stored as sorted JSON; JSON.parse is many times faster than a YAML parser on them.
function loadStoredIndex(text: string, source: string): HelmIndex {
  try {
    const parsed = JSON.parse(text) as HelmIndex;
    if (parsed && typeof parsed === 'object' && parsed.entries && typeof parsed.entries === 'object') return parsed;
  } catch {
    // not ours: fall through to the YAML parser
  }
  return parseHelmIndex(text, source);
}
