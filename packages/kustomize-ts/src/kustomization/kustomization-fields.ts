// The fields a v5 kustomization file may have, and the ones kustomize-ts refuses.

export const KUSTOMIZATION_FIELDS: ReadonlySet<string> = new Set([
  'apiVersion', 'kind', 'metadata', 'openapi', 'namePrefix', 'nameSuffix', 'namespace',
  'commonLabels', 'labels', 'commonAnnotations', 'patchesStrategicMerge', 'patchesJson6902',
  'patches', 'images', 'imageTags', 'replacements', 'replicas', 'sortOptions', 'vars',
  'resources', 'crds', 'bases', 'components', 'configMapGenerator', 'secretGenerator',
  'helmGlobals', 'helmCharts', 'helmChartInflationGenerator', 'generatorOptions',
  'configurations', 'generators', 'transformers', 'validators', 'buildMetadata',
]);

/** Fields that need helm, exec/container plugins or other machinery kustomize-ts does not carry. */
export const UNSUPPORTED_FIELDS: readonly string[] = [
  'helmCharts', 'helmChartInflationGenerator', 'helmGlobals', 'validators',
];

export const KUSTOMIZATION_FILE_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
