// Adds a generated ConfigMap/Secret to the build, or merges it into / replaces one of the same id from a base.
import { KustomizeError } from '../errors.ts';
import type { ResMap } from '../res-map.ts';
import { currentId, formatId, metadataOf, type Resource } from '../resource.ts';
import { encodeSecretValue } from './config-map-secret.ts';

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function mergeGenerated(resMap: ResMap, generated: Resource): void {
  const id = currentId(generated);
  const behavior =
    generated.behavior === undefined || generated.behavior === 'unspecified' ? 'create' : generated.behavior;
  const matches = resMap.matchingAnyId(id);
  if (matches.length > 1) {
    throw new KustomizeError(
      `found multiple objects ${matches.map((r) => formatId(currentId(r))).join(', ')} that could be merged with ${formatId(id)}`,
    );
  }
  const old = matches[0];
  if (!old) {
    if (behavior !== 'create') {
      throw new KustomizeError(`id ${formatId(id)} does not exist; cannot merge or replace`);
    }
    resMap.append(generated);
    return;
  }
  if (behavior === 'create') {
    throw new KustomizeError(`id ${formatId(id)} exists; behavior must be merge or replace`);
  }
  const merged = generated;
  const oldMetadata = metadataOf(old.object);
  const newMetadata = metadataOf(merged.object);
  const labels = { ...record(oldMetadata.labels), ...record(newMetadata.labels) };
  const annotations = { ...record(oldMetadata.annotations), ...record(newMetadata.annotations) };
  // A merged object keeps where it was first generated (a replaced one is the new one).
  const origin = record(oldMetadata.annotations)['config.kubernetes.io/origin'];
  if (behavior === 'merge' && origin !== undefined) annotations['config.kubernetes.io/origin'] = origin;
  if (Object.keys(labels).length > 0) newMetadata.labels = labels as Record<string, string>;
  if (Object.keys(annotations).length > 0) newMetadata.annotations = annotations as Record<string, string>;
  newMetadata.name = oldMetadata.name;
  if (oldMetadata.namespace !== undefined) newMetadata.namespace = oldMetadata.namespace;
  else delete newMetadata.namespace;
  if (behavior === 'merge') {
    for (const field of ['data', 'binaryData']) {
      const combined = { ...record(old.object[field]), ...record(merged.object[field]) };
      if (Object.keys(combined).length > 0) merged.object[field] = combined;
    }
    if (merged.object.kind === 'ConfigMap' && merged.object.binaryData)
      merged.object.binaryData = reencodeBinary(record(merged.object.binaryData));
  }
  merged.previousIds = old.previousIds;
  merged.prefixes = old.prefixes;
  merged.suffixes = old.suffixes;
  merged.refVarNames = old.refVarNames;
  // Observed in kustomize 5.5: a hash suffix only if both the base and this generator ask for one.
  merged.needsHashSuffix = old.needsHashSuffix && generated.needsHashSuffix;
  // Build annotations come from the resource merged into, as kustomize copies them.
  if (old.behavior === undefined) delete merged.behavior;
  else merged.behavior = old.behavior;
  resMap.replace(old, merged);
}

/**
 * kustomize merges a ConfigMap's binaryData decoded and writes it back as its Secret generator does (base64 in
 * 70-character lines past 70 characters); bytes that are valid UTF-8 it writes as they are.
 */
function reencodeBinary(binaryData: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(binaryData)) {
    if (typeof value !== 'string') {
      result[key] = value;
      continue;
    }
    const bytes = Buffer.from(value, 'base64');
    result[key] = utf8Text(bytes) ?? encodeSecretValue(bytes);
  }
  return result;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
