// buildMetadata: origin annotations, transformer annotations and the managed-by label.
import { posix } from 'node:path';
import type { LoadedKustomization } from './kustomization/load-kustomization.ts';
import { metadataOf, type Resource } from './resource.ts';

export type BuildMetadataOptions = {
  originAnnotations: boolean;
  transformerAnnotations: boolean;
  managedByLabel: boolean;
};

const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
const MANAGED_BY_VALUE = 'kustomize-v5.5.0';

type Stage = 'origin' | 'generator' | 'transformers';

export function addBuildMetadata(
  resources: Resource[],
  options: BuildMetadataOptions,
  stage: Stage,
  loaded: LoadedKustomization,
  topRoot: string,
  file?: string,
  generator: { configuredIn?: string; name?: string } = {},
): void {
  if (stage === 'transformers') {
    if (!options.managedByLabel) return;
    for (const resource of resources) {
      const metadata = metadataOf(resource.object);
      metadata.labels = { ...(metadata.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
    }
    return;
  }
  if (!options.originAnnotations) return;
  for (const resource of resources) {
    const metadata = metadataOf(resource.object);
    if (metadata.annotations?.[ORIGIN_ANNOTATION] !== undefined) continue;
    let text: string;
    if (stage === 'origin' && file !== undefined) {
      text = `path: ${posix.relative(topRoot, file)}\n`;
    } else {
      // A generator config file is where the object was configured; its metadata name says which config.
      const configuredIn = posix.relative(topRoot, generator.configuredIn ?? loaded.path);
      const kind =
        resource.object.kind === 'Secret'
          ? 'SecretGenerator'
          : resource.object.kind === 'ServiceAccount'
            ? 'IAMPolicyGenerator'
            : 'ConfigMapGenerator';
      const name = generator.name === undefined ? '' : `  name: ${generator.name}\n`;
      text = `configuredIn: ${configuredIn}\nconfiguredBy:\n  apiVersion: builtin\n  kind: ${kind}\n${name}`;
    }
    metadata.annotations = { ...(metadata.annotations ?? {}), [ORIGIN_ANNOTATION]: text };
  }
}
