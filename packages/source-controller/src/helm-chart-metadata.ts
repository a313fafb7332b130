// A chart directory's Chart.yaml, read and checked before helm sees it, so a broken one gets a message naming the
// chart, the file and the field.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseSemVer } from '@fluxion/runtime';
import { SourceError } from './source-error.ts';

export interface ChartMetadata {
  name: string;
  version: string;
  dependencies: Array<{ name: string; version?: string; repository?: string; alias?: string }>;
}

export async function readChartMetadata(chartDirectory: string, where: string): Promise<ChartMetadata> {
  const fail = (detail: string) =>
    new SourceError('InvalidChartReference', `invalid chart reference: ${where}: ${detail}`, { stalled: false });
  let text: string;
  try {
    text = await readFile(join(chartDirectory, 'Chart.yaml'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw fail('no Chart.yaml (is spec.chart the path of a chart directory?)');
    throw fail(`cannot read Chart.yaml: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw fail(`Chart.yaml is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    throw fail('Chart.yaml is not a YAML mapping');
  const chart = document as Record<string, unknown>;
  if (typeof chart.name !== 'string' || chart.name === '') throw fail("Chart.yaml has no 'name'");
  if (typeof chart.version !== 'string' && typeof chart.version !== 'number') throw fail("Chart.yaml has no 'version'");
  const version = String(chart.version);
  if (!parseSemVer(version)) throw fail(`Chart.yaml 'version' '${version}' is not a semantic version`);
  const dependencies = Array.isArray(chart.dependencies) ? (chart.dependencies as ChartMetadata['dependencies']) : [];
  return { name: chart.name, version, dependencies };
}
