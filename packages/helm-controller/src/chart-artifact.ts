// Downloads a chart artifact (digest verified, unpacked safely) and reads its Chart.yaml; metadata cached by digest.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchArtifact, type FetchedArtifact } from '@fluxion/runtime';
import { parse } from 'yaml';
import type { ChartArtifact } from './chart-source.ts';

export interface ChartMetadata {
  name: string;
  version: string;
  appVersion?: string;
}

export interface UnpackedChart {
  dir: string;
  metadata: ChartMetadata;
  cleanup(): Promise<void>;
}

export class ChartArtifactError extends Error {
  override readonly name = 'ChartArtifactError';
  readonly reason = 'ArtifactFailed';
}

const maxUnpacked = 32;

export class ChartArtifacts {
  private readonly metadata = new Map<string, ChartMetadata>();
  /** Unpacked charts by digest, shared by every release of the same chart (helm only reads them). */
  private readonly unpacked = new Map<string, { promise: Promise<UnpackedChart>; users: number }>();
  private readonly retries: number;

  constructor(options: { retries: number }) {
    this.retries = options.retries;
  }

  /** The chart's metadata: from the cache when this digest was read before, else by downloading it. */
  async metadataOf(artifact: ChartArtifact): Promise<ChartMetadata> {
    const key = artifact.digest ?? artifact.url;
    const cached = this.metadata.get(key);
    if (cached) return cached;
    const chart = await this.unpack(artifact);
    await chart.cleanup();
    return chart.metadata;
  }

  /** The unpacked chart, shared by digest; call release() when done with it (the directory may then be reused). */
  async acquire(artifact: ChartArtifact): Promise<{ dir: string; metadata: ChartMetadata; release(): void }> {
    const key = artifact.digest ?? artifact.url;
    let entry = this.unpacked.get(key);
    if (!entry) {
      entry = { promise: this.unpack(artifact), users: 0 };
      this.unpacked.set(key, entry);
      entry.promise.catch(() => this.unpacked.delete(key));
    }
    entry.users++;
    const current = entry;
    try {
      const chart = await current.promise;
      return { dir: chart.dir, metadata: chart.metadata, release: () => this.releaseEntry(key, current) };
    } catch (error) {
      current.users--;
      throw error;
    }
  }

  /** Removes every unpacked chart (on shutdown). */
  async clear(): Promise<void> {
    const entries = [...this.unpacked.values()];
    this.unpacked.clear();
    await Promise.all(entries.map(async (entry) => (await entry.promise.catch(() => undefined))?.cleanup()));
  }

  private releaseEntry(key: string, entry: { promise: Promise<UnpackedChart>; users: number }): void {
    entry.users--;
    if (this.unpacked.size <= maxUnpacked) return;
    // over the limit: drop unused charts, oldest first
    for (const [otherKey, other] of this.unpacked) {
      if (this.unpacked.size <= maxUnpacked) break;
      if (other.users > 0) continue;
      this.unpacked.delete(otherKey);
      void other.promise.then(
        (chart) => chart.cleanup(),
        () => undefined,
      );
    }
    void key;
  }

  /** Downloads and unpacks the chart; the caller removes it with cleanup(). */
  async unpack(artifact: ChartArtifact): Promise<UnpackedChart> {
    let fetched: FetchedArtifact;
    try {
      fetched = await fetchArtifact(artifact.url, {
        digest: artifact.digest,
        retries: this.retries,
        tempPrefix: 'helmchart-',
      });
    } catch (error) {
      throw new ChartArtifactError(`chart artifact of '${artifact.source}': ${(error as Error).message}`);
    }
    try {
      const dir = await chartRoot(fetched.dir, artifact.source);
      const metadata = await readChartYaml(dir, artifact.source);
      this.metadata.set(artifact.digest ?? artifact.url, metadata);
      if (this.metadata.size > 1024) this.metadata.delete(this.metadata.keys().next().value as string);
      return { dir, metadata, cleanup: () => fetched.cleanup() };
    } catch (error) {
      await fetched.cleanup();
      throw error;
    }
  }
}

/** A packaged chart holds `<name>/Chart.yaml`; an artifact of a chart directory may hold it at the top. */
async function chartRoot(dir: string, source: string): Promise<string> {
  if (await exists(join(dir, 'Chart.yaml'))) return dir;
  const entries = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory());
  for (const entry of entries) if (await exists(join(dir, entry.name, 'Chart.yaml'))) return join(dir, entry.name);
  throw new ChartArtifactError(`chart artifact of '${source}' holds no Chart.yaml at its top or one directory down`);
}

async function readChartYaml(dir: string, source: string): Promise<ChartMetadata> {
  const parsed = parse(await readFile(join(dir, 'Chart.yaml'), 'utf8')) as Partial<ChartMetadata> | null;
  if (!parsed?.name || !parsed.version)
    throw new ChartArtifactError(`Chart.yaml of the chart from '${source}' lacks name or version`);
  return {
    name: parsed.name,
    version: String(parsed.version),
    ...(parsed.appVersion ? { appVersion: String(parsed.appVersion) } : {}),
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
