// One kustomization's transformers, in kustomize's order: patches, namespace, prefix/suffix, labels,
// annotations, JSON patches, replicas, images, replacements.
import type { Accumulator } from './accumulator.ts';
import { KustomizeError } from './errors.ts';
import { METADATA_LABELS_FIELD_SPEC } from './field-specs/default-field-specs.ts';
import type { Loader } from './loader.ts';
import { mergeFieldSpecs } from './transformer-config.ts';
import { applyImages } from './transformers/images.ts';
import { setMapEntries } from './transformers/map-entries.ts';
import { applyNamePrefixSuffix } from './transformers/name-prefix-suffix.ts';
import { applyNamespace } from './transformers/namespace.ts';
import { applyPatches, applyPatchesJson6902, applyPatchesStrategicMerge } from './transformers/patches.ts';
import { applyReplacementSpecs } from './transformers/replacements-bridge.ts';
import { applyReplicas } from './transformers/replicas.ts';
import { loadPluginConfigs, runBuiltinPlugin, type DirectoryBuilder } from './transformers/builtin-plugins.ts';
import type { FieldSpec, Kustomization } from './types.ts';
import { metadataOf, type Resource } from './resource.ts';

function stringMap(value: Record<string, unknown> | undefined, field: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value ?? {})) {
    if (typeof item === 'object' && item !== null) throw new KustomizeError(`${field}.${key} must be a string`);
    result[key] = item === null ? '' : String(item);
  }
  return result;
}

/** `configuredBy`: the plugin config's metadata name and namespace, which the transformations annotation names. */
type Step = { kind: string; run: () => void | Promise<void>; configuredBy?: string };

const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';

/** With buildMetadata transformerAnnotations: notes each builtin transformer on every resource it ran over, changed or not. */
async function runRecorded(resources: () => Resource[], step: Step, configuredIn: string | undefined): Promise<void> {
  if (configuredIn === undefined) {
    await step.run();
    return;
  }
  await step.run();
  for (const resource of resources()) {
    const metadata = metadataOf(resource.object);
    const entry = `- configuredIn: ${configuredIn}\n  configuredBy:\n    apiVersion: builtin\n    kind: ${step.kind}\n${step.configuredBy ?? ''}`;
    const existing = metadata.annotations?.[TRANSFORMATIONS_ANNOTATION] ?? '';
    metadata.annotations = { ...(metadata.annotations ?? {}), [TRANSFORMATIONS_ANNOTATION]: `${existing}${entry}` };
  }
}

/** `configuredIn` is the kustomization file's path from the build root, set when transformations are recorded. */
export async function runTransformers(
  accumulator: Accumulator,
  loader: Loader,
  kustomization: Kustomization,
  configuredIn?: string,
  buildDirectory?: DirectoryBuilder,
): Promise<void> {
  const { resMap, config } = accumulator;
  const resources = (): Resource[] => resMap.resources;
  const steps: Step[] = [];
  if (kustomization.patchesStrategicMerge?.length) {
    const entries = kustomization.patchesStrategicMerge;
    steps.push({
      kind: 'PatchStrategicMergeTransformer',
      run: () => applyPatchesStrategicMerge(resMap, loader, entries),
    });
  }
  for (const patch of kustomization.patches ?? []) {
    steps.push({ kind: 'PatchTransformer', run: () => applyPatches(resMap, loader, [patch]) });
  }
  const namespace = kustomization.namespace;
  if (namespace)
    steps.push({ kind: 'NamespaceTransformer', run: () => applyNamespace(resources(), namespace, config.namespace) });
  const prefix = kustomization.namePrefix ?? '';
  const suffix = kustomization.nameSuffix ?? '';
  if (prefix)
    steps.push({
      kind: 'PrefixTransformer',
      run: () => applyNamePrefixSuffix(resources(), prefix, '', config.namePrefix, true),
    });
  if (suffix)
    steps.push({
      kind: 'SuffixTransformer',
      run: () => applyNamePrefixSuffix(resources(), '', suffix, config.nameSuffix, true),
    });
  for (const label of kustomization.labels ?? []) {
    let specs: FieldSpec[] = mergeFieldSpecs(label.fields ?? [], config.labels);
    if (label.includeSelectors) specs = mergeFieldSpecs(specs, config.commonLabels);
    else {
      if (label.includeTemplates) specs = mergeFieldSpecs(specs, config.templateLabels);
      specs = mergeFieldSpecs(specs, [METADATA_LABELS_FIELD_SPEC]);
    }
    const pairs = stringMap(label.pairs, 'labels.pairs');
    steps.push({ kind: 'LabelTransformer', run: () => setMapEntries(resources(), pairs, specs) });
  }
  if (kustomization.commonLabels && Object.keys(kustomization.commonLabels).length > 0) {
    const pairs = stringMap(kustomization.commonLabels, 'commonLabels');
    steps.push({ kind: 'LabelTransformer', run: () => setMapEntries(resources(), pairs, config.commonLabels) });
  }
  if (kustomization.commonAnnotations && Object.keys(kustomization.commonAnnotations).length > 0) {
    const pairs = stringMap(kustomization.commonAnnotations, 'commonAnnotations');
    steps.push({
      kind: 'AnnotationsTransformer',
      run: () => setMapEntries(resources(), pairs, config.commonAnnotations),
    });
  }
  for (const patch of kustomization.patchesJson6902 ?? []) {
    steps.push({ kind: 'PatchJson6902Transformer', run: () => applyPatchesJson6902(resMap, loader, [patch]) });
  }
  for (const replica of kustomization.replicas ?? []) {
    steps.push({ kind: 'ReplicaCountTransformer', run: () => applyReplicas(resources(), [replica], config.replicas) });
  }
  for (const image of kustomization.images ?? []) {
    steps.push({ kind: 'ImageTagTransformer', run: () => applyImages(resources(), [image], config.images) });
  }
  const replacements = kustomization.replacements;
  if (replacements?.length) {
    steps.push({ kind: 'ReplacementTransformer', run: () => applyReplacementSpecs(resources(), loader, replacements) });
  }
  for (const config of await loadPluginConfigs(loader, kustomization.transformers ?? [], buildDirectory)) {
    const name = config.metadata?.name ? `    name: ${config.metadata.name}\n` : '';
    const namespace = config.metadata?.namespace ? `    namespace: ${config.metadata.namespace}\n` : '';
    steps.push({
      kind: config.kind ?? '',
      run: () => runBuiltinPlugin(config, resMap, loader),
      configuredBy: `${name}${namespace}`,
    });
  }
  for (const step of steps) await runRecorded(resources, step, configuredIn);
}
