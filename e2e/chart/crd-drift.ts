// Compares the chart's copy of the CRDs with packages/api/crds, file by file and byte for byte.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface CrdDrift {
  file: string;
  problem: 'missing from the chart' | 'only in the chart' | 'content differs';
}

function yamlFilesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.yaml'))
    .map((path) => relative(root, join(root, path)))
    .sort();
}

export function crdDrift(sourceRoot: string, chartCopyRoot: string): CrdDrift[] {
  const sourceFiles = yamlFilesUnder(sourceRoot);
  const chartFiles = new Set(yamlFilesUnder(chartCopyRoot));
  const drift: CrdDrift[] = [];
  for (const file of sourceFiles) {
    if (!chartFiles.has(file)) drift.push({ file, problem: 'missing from the chart' });
    else if (!readFileSync(join(sourceRoot, file)).equals(readFileSync(join(chartCopyRoot, file))))
      drift.push({ file, problem: 'content differs' });
    chartFiles.delete(file);
  }
  for (const file of chartFiles) drift.push({ file, problem: 'only in the chart' });
  return drift;
}
