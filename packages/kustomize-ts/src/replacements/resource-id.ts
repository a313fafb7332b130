// Resource identities (group, version, kind, name, namespace) and kustomize's exact-match selection on them.
import { BUILD_ANNOTATION } from '../build-annotations.ts';
import type { KObject } from '../types.ts';

export type ResourceId = { group: string; version: string; kind: string; name: string; namespace: string };

export type IdSelector = { group?: string; version?: string; kind?: string; name?: string; namespace?: string };

export function splitApiVersion(apiVersion: string | undefined): { group: string; version: string } {
  const value = apiVersion ?? '';
  const slash = value.lastIndexOf('/');
  return slash < 0 ? { group: '', version: value } : { group: value.slice(0, slash), version: value.slice(slash + 1) };
}

export function currentId(object: KObject): ResourceId {
  return {
    ...splitApiVersion(object.apiVersion),
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
  };
}

/** The current id, then the ids the object had before renames (kept in kustomize's build annotations). */
export function resourceIds(object: KObject): ResourceId[] {
  const current = currentId(object);
  const annotations = object.metadata?.annotations ?? {};
  const names = annotations[BUILD_ANNOTATION.previousNames]?.split(',') ?? [];
  const kinds = annotations[BUILD_ANNOTATION.previousKinds]?.split(',') ?? [];
  const namespaces = annotations[BUILD_ANNOTATION.previousNamespaces]?.split(',') ?? [];
  const previous = names.map((name, index) => ({
    ...current,
    name,
    kind: kinds[index] ?? current.kind,
    namespace: namespaces[index] ?? current.namespace,
  }));
  return [current, ...previous];
}

/** An empty namespace and `default` are the same namespace, as kustomize compares them. */
function effectiveNamespace(namespace: string | undefined): string {
  return !namespace || namespace === 'default' ? 'default' : namespace;
}

/** Every field the selector sets must equal the id's (no regex: replacements and vars select exactly). */
export function isSelectedBy(id: ResourceId, selector: IdSelector): boolean {
  return (
    (!selector.name || selector.name === id.name) &&
    (!selector.namespace || effectiveNamespace(selector.namespace) === effectiveNamespace(id.namespace)) &&
    (!selector.group || selector.group === id.group) &&
    (!selector.version || selector.version === id.version) &&
    (!selector.kind || selector.kind === id.kind)
  );
}

export function isEmptySelector(selector: IdSelector): boolean {
  return !selector.group && !selector.version && !selector.kind && !selector.name && !selector.namespace;
}

/** kustomize's ResId text, e.g. `ConfigMap.v1.[noGrp]/app.[noNs]`. */
export function describeId(selector: IdSelector): string {
  const kind = selector.kind || '[noKind]';
  const version = selector.version || '[noVer]';
  const group = selector.group || '[noGrp]';
  const name = selector.name || '[noName]';
  const namespace = selector.namespace || '[noNs]';
  return `${kind}.${version}.${group}/${name}.${namespace}`;
}
