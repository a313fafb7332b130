// A Helm repository index (`index.yaml`): parsed and checked, entries sorted newest first (so equal content gives an
// equal digest however the server ordered it), and the chart version that best matches a semver range.
import { parse as parseYaml } from 'yaml';
import {
  compareSemVer,
  parseSemVer,
  parseSemVerRange,
  satisfies,
  type SemVer,
  SemVerRangeError,
} from '@fluxion/runtime';
import { SourceError } from './source-error.ts';

/** One version of one chart in an index, as Helm writes it (only the fields we use are typed). */
export interface ChartVersionEntry {
  name: string;
  version: string;
  urls?: string[];
  digest?: string;
  created?: string;
  [field: string]: unknown;
}

export interface HelmIndex {
  apiVersion: string;
  entries: Record<string, ChartVersionEntry[]>;
  generated?: string;
  [field: string]: unknown;
}

/** Parses index text (YAML or JSON); `source` names the URL or file in error messages. */
export function parseHelmIndex(text: string, source: string): HelmIndex {
  let document: unknown;
  try {
    // Every scalar a string, as Helm's Go types read them: `version: 1.10` must not become 1.1, nor an all-digit
    // digest a number. The alias limit guards against billion-laughs input.
    document = parseYaml(text, { schema: 'failsafe', maxAliasCount: 100, uniqueKeys: false });
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new SourceError(
      'IndexationFailed',
      `failed to load Helm repository index from '${source}': not valid YAML: ${detail}`,
    );
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new SourceError(
      'IndexationFailed',
      `failed to load Helm repository index from '${source}': expected a YAML mapping with 'apiVersion' and 'entries'`,
    );
  }
  const index = document as Record<string, unknown>;
  if (typeof index.apiVersion !== 'string' || index.apiVersion === '') {
    throw new SourceError('IndexationFailed', `failed to load Helm repository index from '${source}': no API version`);
  }
  const entries = index.entries ?? {};
  if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) {
    throw new SourceError(
      'IndexationFailed',
      `failed to load Helm repository index from '${source}': 'entries' is not a mapping of chart names`,
    );
  }
  const sorted: Record<string, ChartVersionEntry[]> = {};
  for (const name of Object.keys(entries).sort()) {
    const versions = (entries as Record<string, unknown>)[name];
    if (!Array.isArray(versions)) {
      throw new SourceError(
        'IndexationFailed',
        `failed to load Helm repository index from '${source}': entries.${name} is not a list of chart versions`,
      );
    }
    // Helm skips entries without a usable version rather than failing the whole index.
    const usable = versions.filter(
      (entry): entry is ChartVersionEntry =>
        entry !== null && typeof entry === 'object' && typeof (entry as ChartVersionEntry).version === 'string',
    );
    sorted[name] = usable
      .map((entry) => ({ ...entry, name: typeof entry.name === 'string' ? entry.name : name }))
      .sort(newestFirst);
  }
  return { ...index, apiVersion: index.apiVersion, entries: sorted } as HelmIndex;
}

function newestFirst(a: ChartVersionEntry, b: ChartVersionEntry): number {
  const left = parseSemVer(a.version);
  const right = parseSemVer(b.version);
  if (left && right) return compareSemVer(right, left) || a.version.localeCompare(b.version);
  if (left) return -1;
  if (right) return 1;
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}

/**
 * The highest version of `chart` in the index within `range` (`*` when empty). Errors name the chart, the range
 * and where the index came from, and list a few of the versions there are.
 */
export function findChartVersion(
  index: HelmIndex,
  chart: string,
  range: string | undefined,
  source: string,
): ChartVersionEntry {
  const versions = index.entries[chart];
  if (!versions || versions.length === 0) {
    throw new SourceError('InvalidChartReference', `no chart named '${chart}' in the index of ${source}`);
  }
  const wanted = range === undefined || range.trim() === '' ? '*' : range.trim();
  const exact = versions.find((entry) => entry.version === wanted);
  if (exact) return exact;
  let parsedRange;
  try {
    parsedRange = parseSemVerRange(wanted);
  } catch (error) {
    if (error instanceof SemVerRangeError) {
      throw new SourceError('InvalidChartReference', `spec.version: ${error.message} (chart '${chart}')`, {
        stalled: true,
      });
    }
    throw error;
  }
  let best: { entry: ChartVersionEntry; version: SemVer } | undefined;
  for (const entry of versions) {
    const version = parseSemVer(entry.version);
    if (!version || !satisfies(version, parsedRange)) continue;
    if (!best || compareSemVer(version, best.version) > 0) best = { entry, version };
  }
  if (!best) {
    const available = versions
      .slice(0, 5)
      .map((entry) => entry.version)
      .join(', ');
    throw new SourceError(
      'InvalidChartReference',
      `no version of chart '${chart}' matches '${wanted}' in the index of ${source} (newest: ${available}${versions.length > 5 ? ', ...' : ''})`,
    );
  }
  return best.entry;
}
