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
import type { FieldSpec, Kustomization } from './types.ts';

function stringMap(value: Record<string, unknown> | undefined, field: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value ?? {})) {
    if (typeof item === 'object' && item !== null) throw new KustomizeError(`${field}.${key} must be a string`);
    result[key] = item === null ? '' : String(item);
  }
  return result;
}

export async function runTransformers(accumulator: Accumulator, loader: Loader, kustomization: Kustomization): Promise<void> {
  const { resMap, config } = accumulator;
  const resources = (): typeof resMap.resources => resMap.resources;
  if (kustomization.patchesStrategicMerge?.length) await applyPatchesStrategicMerge(resMap, loader, kustomization.patchesStrategicMerge);
  if (kustomization.patches?.length) await applyPatches(resMap, loader, kustomization.patches);
  if (kustomization.namespace) applyNamespace(resources(), kustomization.namespace, config.namespace);
  applyNamePrefixSuffix(resources(), kustomization.namePrefix ?? '', kustomization.nameSuffix ?? '', [
    ...config.namePrefix,
    ...config.nameSuffix,
  ]);
  for (const label of kustomization.labels ?? []) {
    let specs: FieldSpec[] = label.fields ?? [];
    if (label.includeSelectors) specs = mergeFieldSpecs(specs, config.commonLabels);
    else {
      specs = mergeFieldSpecs(specs, [METADATA_LABELS_FIELD_SPEC]);
      if (label.includeTemplates) specs = mergeFieldSpecs(specs, config.templateLabels);
    }
    setMapEntries(resources(), stringMap(label.pairs, 'labels.pairs'), specs);
  }
  if (kustomization.commonLabels) setMapEntries(resources(), stringMap(kustomization.commonLabels, 'commonLabels'), config.commonLabels);
  if (kustomization.commonAnnotations) {
    setMapEntries(resources(), stringMap(kustomization.commonAnnotations, 'commonAnnotations'), config.commonAnnotations);
  }
  if (kustomization.patchesJson6902?.length) await applyPatchesJson6902(resMap, loader, kustomization.patchesJson6902);
  if (kustomization.replicas?.length) applyReplicas(resources(), kustomization.replicas, config.replicas);
  if (kustomization.images?.length) applyImages(resources(), kustomization.images, config.images);
  if (kustomization.replacements?.length) await applyReplacementSpecs(resources(), loader, kustomization.replacements);
}
