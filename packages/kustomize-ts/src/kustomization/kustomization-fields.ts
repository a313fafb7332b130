// The fields a v5 kustomization file may have, and the ones kustomize-ts refuses.

export const KUSTOMIZATION_FIELDS: ReadonlySet<string> = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'openapi',
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'labels',
  'commonAnnotations',
  'patchesStrategicMerge',
  'patchesJson6902',
  'patches',
  'images',
  'imageTags',
  'replacements',
  'replicas',
  'sortOptions',
  'vars',
  'resources',
  'crds',
  'bases',
  'components',
  'configMapGenerator',
  'secretGenerator',
  'helmGlobals',
  'helmCharts',
  'helmChartInflationGenerator',
  'generatorOptions',
  'configurations',
  'generators',
  'transformers',
  'validators',
  'buildMetadata',
]);

/** Fields that need helm, exec/container plugins or other machinery kustomize-ts does not carry. */
export const UNSUPPORTED_FIELDS: readonly string[] = [
  'helmCharts',
  'helmChartInflationGenerator',
  'helmGlobals',
  'validators',
];

export const KUSTOMIZATION_FILE_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

const GENERATOR_OPTIONS = ['labels', 'annotations', 'disableNameSuffixHash', 'immutable'];
const GENERATOR_ARGS = ['namespace', 'name', 'behavior', 'literals', 'files', 'envs', 'env', 'options'];

/**
 * The fields allowed in the entries of list fields (and in map fields) kustomize decodes strictly: a misspelt key
 * there (`literal:` for `literals:`) fails its build rather than being ignored.
 */
export const ENTRY_FIELDS: Readonly<
  Record<string, { fields: readonly string[]; list: boolean; nested?: Record<string, readonly string[]> }>
> = {
  configMapGenerator: { fields: GENERATOR_ARGS, list: true, nested: { options: GENERATOR_OPTIONS } },
  secretGenerator: { fields: [...GENERATOR_ARGS, 'type'], list: true, nested: { options: GENERATOR_OPTIONS } },
  generatorOptions: { fields: GENERATOR_OPTIONS, list: false },
  replicas: { fields: ['name', 'count'], list: true },
  images: { fields: ['name', 'newName', 'tagSuffix', 'newTag', 'digest'], list: true },
  labels: { fields: ['pairs', 'includeSelectors', 'includeTemplates', 'fields'], list: true },
  patches: {
    fields: ['path', 'patch', 'target', 'options'],
    list: true,
    nested: { target: ['group', 'version', 'kind', 'name', 'namespace', 'annotationSelector', 'labelSelector'] },
  },
};
