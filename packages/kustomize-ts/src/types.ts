// Shared shapes: the plain objects kustomize builds and every field of a v5 kustomization.yaml.

/** A Kubernetes object as parsed from YAML: plain JSON-like data, key order preserved. */
export type KObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: KMetadata;
  [key: string]: unknown;
};

export type KMetadata = {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
};

/** Selects resources by group/version/kind/name/namespace (regexes) and label/annotation selectors. */
export type Target = {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
};

export type PatchOptions = {
  allowNameChange?: boolean;
  allowKindChange?: boolean;
};

/** One entry of `patches` (inline `patch` or a `path`), also used for `patchesJson6902`. */
export type PatchSpec = {
  path?: string;
  patch?: string;
  target?: Target;
  options?: PatchOptions;
};

/** `patchesJson6902` entry: target is required and uses the legacy flattened selector. */
export type Json6902PatchSpec = {
  path?: string;
  patch?: string;
  target: Target;
};

export type FieldOptions = {
  delimiter?: string;
  index?: number;
  encoding?: string;
  create?: boolean;
};

export type ReplacementSource = Target & {
  fieldPath?: string;
  options?: FieldOptions;
};

export type ReplacementTarget = {
  select?: Target;
  reject?: Target[];
  fieldPaths?: string[];
  options?: FieldOptions;
};

export type Replacement = {
  source?: ReplacementSource;
  targets?: ReplacementTarget[];
};

/** `replacements` entry: an inline replacement or a `path` to a file holding one or more. */
export type ReplacementSpec = Replacement & { path?: string };

export type VarObjectRef = {
  apiVersion?: string;
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
};

export type Var = {
  name: string;
  objref: VarObjectRef;
  fieldref?: { fieldpath?: string };
};

export type Image = {
  name?: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
};

export type Replica = {
  name: string;
  count: number;
};

export type Label = {
  pairs?: Record<string, string>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
  fields?: FieldSpec[];
};

/** Where a transformer writes: a path inside objects of a group/version/kind. */
export type FieldSpec = {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
};

export type GeneratorOptions = {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
};

export type GeneratorBehavior = 'create' | 'merge' | 'replace';

export type GeneratorArgs = {
  name?: string;
  namespace?: string;
  behavior?: GeneratorBehavior | '';
  literals?: string[];
  files?: string[];
  envs?: string[];
  /** Deprecated singular form of `envs`. */
  env?: string;
  options?: GeneratorOptions;
};

export type SecretGeneratorArgs = GeneratorArgs & { type?: string };

export type SortOptions = {
  order?: 'legacy' | 'fifo';
  legacySortOptions?: { orderFirst?: string[]; orderLast?: string[] };
};

export type Kustomization = {
  apiVersion?: string;
  kind?: string;
  metadata?: KMetadata;
  openapi?: Record<string, string>;
  namePrefix?: string;
  nameSuffix?: string;
  namespace?: string;
  commonLabels?: Record<string, string>;
  labels?: Label[];
  commonAnnotations?: Record<string, string>;
  patchesStrategicMerge?: string[];
  patchesJson6902?: Json6902PatchSpec[];
  patches?: PatchSpec[];
  images?: Image[];
  /** Deprecated name of `images`. */
  imageTags?: Image[];
  replacements?: ReplacementSpec[];
  replicas?: Replica[];
  sortOptions?: SortOptions;
  vars?: Var[];
  resources?: string[];
  crds?: string[];
  bases?: string[];
  components?: string[];
  configMapGenerator?: GeneratorArgs[];
  secretGenerator?: SecretGeneratorArgs[];
  generatorOptions?: GeneratorOptions;
  configurations?: string[];
  generators?: string[];
  transformers?: string[];
  validators?: string[];
  buildMetadata?: string[];
  helmGlobals?: unknown;
  helmCharts?: unknown[];
  helmChartInflationGenerator?: unknown[];
};
