// `spec.valuesFiles`: YAML values files merged in order (later wins, maps merged key by key, anything else
// replaced), as Helm merges `-f` files; the result replaces the chart's values.yaml.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { resolveInside } from './safe-path.ts';
import { SourceError } from './source-error.ts';

export type Values = Record<string, unknown>;

export function mergeValues(base: Values, override: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = merged[key];
    merged[key] = isMap(existing) && isMap(value) ? mergeValues(existing, value) : value;
  }
  return merged;
}

function isMap(value: unknown): value is Values {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads and merges `files` (paths relative to `root`). A missing file fails, naming it, unless `ignoreMissing`;
 * returns the merged YAML and the files actually used.
 */
export async function mergeValuesFiles(
  root: string,
  files: readonly string[],
  ignoreMissing: boolean,
  where: string,
): Promise<{ yaml: string; used: string[] }> {
  let merged: Values = {};
  const used: string[] = [];
  for (const file of files) {
    const path = resolveInside(
      root,
      file,
      'ValuesFilesError',
      `values files merge error: spec.valuesFiles entry '${file}' leaves ${where}`,
    );
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && ignoreMissing) continue;
      throw new SourceError('ValuesFilesError', `values files merge error: no values file '${file}' in ${where}`, {
        stalled: true,
      });
    }
    let document: unknown;
    try {
      document = parseYaml(text, { maxAliasCount: 100 }) ?? {};
    } catch (error) {
      throw new SourceError(
        'ValuesFilesError',
        `values files merge error: '${file}' in ${where} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
        { stalled: true },
      );
    }
    if (!isMap(document))
      throw new SourceError(
        'ValuesFilesError',
        `values files merge error: '${file}' in ${where} is not a YAML mapping`,
        { stalled: true },
      );
    merged = mergeValues(merged, document);
    used.push(file);
  }
  return { yaml: stringifyYaml(merged), used };
}
