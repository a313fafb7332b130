// kustomize keeps what it knows about a resource while it builds (earlier ids, name prefixes and suffixes,
// generator behaviour and hash) as annotations on the object itself, and patches see them: that is why a JSON
// patch can add under /metadata/annotations of an object that had none. Resources here keep that state in
// fields; these helpers put it on the object, in kustomize's format, for as long as a patch runs.
import { isClusterScoped } from './field-specs/cluster-scoped-kinds.ts';
import { currentId, metadataOf, type ResId, type Resource } from './resource.ts';
import type { KObject } from './types.ts';

export const BUILD_ANNOTATION = {
  previousNames: 'internal.config.kubernetes.io/previousNames',
  previousNamespaces: 'internal.config.kubernetes.io/previousNamespaces',
  previousKinds: 'internal.config.kubernetes.io/previousKinds',
  prefixes: 'internal.config.kubernetes.io/prefixes',
  suffixes: 'internal.config.kubernetes.io/suffixes',
  generatorBehavior: 'internal.config.kubernetes.io/generatorBehavior',
  needsHashSuffix: 'internal.config.kubernetes.io/needsHashSuffix',
} as const;

const BUILD_KEYS: readonly string[] = Object.values(BUILD_ANNOTATION);

/** kustomize's name for the namespace of a kind that has none. */
const NOT_A_NAMESPACE = '_non_namespaceable_';

/** The namespace kustomize records for an earlier id: `default` for none, a marker for cluster-scoped kinds. */
function recordedNamespace(id: ResId): string {
  if (isClusterScoped(id.group, id.kind)) return NOT_A_NAMESPACE;
  return id.namespace === '' ? 'default' : id.namespace;
}

/** The build annotations kustomize would have on `resource` now; empty for a resource it never touched. */
export function buildAnnotationsOf(resource: Resource): Record<string, string> {
  const annotations: Record<string, string> = {};
  const { previousIds, prefixes, suffixes } = resource;
  if (previousIds.length > 0) {
    annotations[BUILD_ANNOTATION.previousNames] = previousIds.map((id) => id.name).join(',');
    annotations[BUILD_ANNOTATION.previousNamespaces] = previousIds.map(recordedNamespace).join(',');
    annotations[BUILD_ANNOTATION.previousKinds] = previousIds.map((id) => id.kind).join(',');
  }
  if (prefixes.length > 0) annotations[BUILD_ANNOTATION.prefixes] = prefixes.join(',');
  if (suffixes.length > 0) annotations[BUILD_ANNOTATION.suffixes] = suffixes.join(',');
  if (resource.behavior !== undefined) annotations[BUILD_ANNOTATION.generatorBehavior] = resource.behavior;
  if (resource.needsHashSuffix) annotations[BUILD_ANNOTATION.needsHashSuffix] = 'enabled';
  return annotations;
}

/** Puts the build annotations on the object, as kustomize's patches and replacements find them. */
export function writeBuildAnnotations(resource: Resource): void {
  const annotations = buildAnnotationsOf(resource);
  if (Object.keys(annotations).length === 0) return;
  const metadata = metadataOf(resource.object);
  metadata.annotations = { ...(isStringMap(metadata.annotations) ? metadata.annotations : {}), ...annotations };
}

/** Takes the build annotations off the object again, leaving the resource's state as it was. */
export function dropBuildAnnotations(object: KObject): void {
  const annotations = object.metadata?.annotations;
  if (!isStringMap(annotations) || !object.metadata) return;
  for (const key of BUILD_KEYS) delete annotations[key];
  // The map stays only while something is in it, as kustomize drops an emptied one when it strips them.
  if (Object.keys(annotations).length === 0) delete object.metadata.annotations;
}

/**
 * Takes the build annotations off the object into the resource's state: what a strategic merge patch or a
 * replacement left of them is what kustomize knows afterwards (a patch deleting all annotations forgets the
 * earlier names too).
 */
export function readBuildAnnotations(resource: Resource): void {
  const annotations = isStringMap(resource.object.metadata?.annotations) ? resource.object.metadata.annotations : {};
  const list = (key: string): string[] => (annotations[key] === undefined ? [] : String(annotations[key]).split(','));
  const { group, version } = currentId(resource);
  const names = list(BUILD_ANNOTATION.previousNames);
  const namespaces = list(BUILD_ANNOTATION.previousNamespaces);
  const kinds = list(BUILD_ANNOTATION.previousKinds);
  resource.previousIds = names.map((name, index) => {
    const namespace = namespaces[index] ?? '';
    return {
      group,
      version,
      kind: kinds[index] ?? '',
      name,
      namespace: namespace === NOT_A_NAMESPACE ? '' : namespace,
    };
  });
  resource.prefixes = list(BUILD_ANNOTATION.prefixes);
  resource.suffixes = list(BUILD_ANNOTATION.suffixes);
  const behavior = annotations[BUILD_ANNOTATION.generatorBehavior];
  if (behavior === undefined) delete resource.behavior;
  else resource.behavior = behavior as Resource['behavior'];
  resource.needsHashSuffix = annotations[BUILD_ANNOTATION.needsHashSuffix] === 'enabled';
  dropBuildAnnotations(resource.object);
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
