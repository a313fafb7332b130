// `helm template` of charts/fluxion, parsed into objects, and the lookups the chart tests make on them.
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { chartDirectory, runHelm } from './helm-cli.ts';

export interface RenderOptions {
  namespace: string;
  /** `--set` pairs, e.g. `{ 'kustomizeController.enabled': 'false' }`. */
  values?: Record<string, string>;
  releaseName?: string;
}

export async function renderChart(helm: string, options: RenderOptions): Promise<KubernetesObject[]> {
  const args = ['template', options.releaseName ?? 'fluxion', chartDirectory, '--namespace', options.namespace];
  for (const [key, value] of Object.entries(options.values ?? {})) args.push('--set', `${key}=${value}`);
  const text = await runHelm(helm, args);
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0)
        throw new Error(`helm template printed invalid YAML: ${document.errors[0]?.message}`);
      return document.toJS() as KubernetesObject | null;
    })
    .filter((object): object is KubernetesObject => object !== null);
}

export function findObject<T extends KubernetesObject = KubernetesObject>(
  objects: readonly KubernetesObject[],
  kind: string,
  name: string,
): T | undefined {
  return objects.find((object) => object.kind === kind && object.metadata?.name === name) as T | undefined;
}

export function objectIds(objects: readonly KubernetesObject[]): string[] {
  return objects.map((object) => `${object.kind}/${object.metadata?.name}`);
}

/** Objects of one controller: labelled as its own (`app.kubernetes.io/name`), named after it, or bound to its ServiceAccount. */
export function objectsOf(objects: readonly KubernetesObject[], component: string): KubernetesObject[] {
  return objects.filter((object) => {
    if (object.metadata?.labels?.['app.kubernetes.io/name'] === component) return true;
    if (object.metadata?.name?.includes(component)) return true;
    const subjects = (object as { subjects?: { name?: string }[] }).subjects ?? [];
    return subjects.some((subject) => subject.name === component);
  });
}
