// The chart's crds/ directory under the Create and CreateReplace policies that helm itself does not offer.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeClient } from '@fluxion/runtime';
import { parseAllDocuments } from 'yaml';
import { HelmFieldManager } from './drift.ts';

/** CreateReplace applies every CRD (creating or replacing); Create creates only the missing ones. */
export async function applyChartCrds(
  client: KubeClient,
  chartDir: string,
  policy: 'Create' | 'CreateReplace',
): Promise<number> {
  const crds = await readCrds(join(chartDir, 'crds'));
  for (const crd of crds) {
    const ref = { apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name };
    if (policy === 'Create' && (await client.getIfExists(ref))) continue;
    await client.apply(crd as never, { fieldManager: HelmFieldManager, force: true });
  }
  return crds.length;
}

async function readCrds(dir: string): Promise<Array<{ apiVersion: string; kind: string; metadata: { name: string } }>> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((file) => /\.(ya?ml|json)$/.test(file)).sort();
  } catch {
    return [];
  }
  const crds: Array<{ apiVersion: string; kind: string; metadata: { name: string } }> = [];
  for (const file of files) {
    for (const document of parseAllDocuments(await readFile(join(dir, file), 'utf8'))) {
      const value = document.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string } } | null;
      if (value?.kind === 'CustomResourceDefinition' && value.apiVersion && value.metadata?.name)
        crds.push(value as { apiVersion: string; kind: string; metadata: { name: string } });
    }
  }
  return crds;
}
