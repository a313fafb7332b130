// A resource being built: its object plus what kustomize remembers about it (earlier names, generator behaviour).
import type { GeneratorBehavior, KMetadata, KObject } from './types.ts';
import { isClusterScoped } from './field-specs/cluster-scoped-kinds.ts';
import { deepCopy } from './patch/yaml-nodes.ts';

export type ResId = {
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace: string;
};

export type Resource = {
  object: KObject;
  /** Ids this resource had before renames (prefix, suffix, namespace, hash), oldest first. */
  previousIds: ResId[];
  /** Set on generated resources: how they combine with one of the same id from a base (`unspecified`: create). */
  behavior?: GeneratorBehavior | 'unspecified';
  needsHashSuffix: boolean;
  /** Name prefixes and suffixes applied so far, innermost first: they tell same-named referrals apart. */
  prefixes: string[];
  suffixes: string[];
  /** Vars whose objref picked this resource in the kustomization that declared them (kustomize resolves them here). */
  refVarNames: string[];
};

export function makeResource(object: KObject): Resource {
  return { object, previousIds: [], needsHashSuffix: false, prefixes: [], suffixes: [], refVarNames: [] };
}

export function splitApiVersion(apiVersion: string | undefined): { group: string; version: string } {
  const value = apiVersion ?? '';
  const slash = value.indexOf('/');
  return slash < 0 ? { group: '', version: value } : { group: value.slice(0, slash), version: value.slice(slash + 1) };
}

export function metadataOf(object: KObject): KMetadata {
  if (typeof object.metadata !== 'object' || object.metadata === null) object.metadata = {};
  return object.metadata;
}

export function currentId(resource: Resource): ResId {
  const { group, version } = splitApiVersion(resource.object.apiVersion);
  const metadata = resource.object.metadata ?? {};
  return {
    group,
    version,
    kind: resource.object.kind ?? '',
    name: typeof metadata.name === 'string' ? metadata.name : '',
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
  };
}

export function originalId(resource: Resource): ResId {
  return resource.previousIds[0] ?? currentId(resource);
}

/** Current id first, then earlier ones newest first. */
export function allIds(resource: Resource): ResId[] {
  return [currentId(resource), ...[...resource.previousIds].reverse()];
}

/** The namespace an id lives in for comparisons: cluster-scoped kinds have none, empty means "default". */
export function effectiveNamespace(id: ResId): string {
  if (isClusterScoped(id.group, id.kind)) return '';
  return id.namespace === '' ? 'default' : id.namespace;
}

export function sameGvk(a: ResId, b: ResId): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

export function sameId(a: ResId, b: ResId): boolean {
  return sameGvk(a, b) && a.name === b.name && effectiveNamespace(a) === effectiveNamespace(b);
}

/** The id as kustomize prints it in errors: `ConfigMap.v1.[noGrp]/name.[noNs]`. */
export function formatId(id: ResId): string {
  const group = id.group === '' ? '[noGrp]' : id.group;
  const version = id.version === '' ? '[noVer]' : id.version;
  const kind = id.kind === '' ? '[noKind]' : id.kind;
  const namespace = id.namespace === '' ? '[noNs]' : id.namespace;
  return `${kind}.${version}.${group}/${id.name}.${namespace}`;
}

/** Records the current id as a previous one, before a rename; like kustomize, every call adds one, repeats included. */
export function rememberCurrentId(resource: Resource): void {
  resource.previousIds.push(currentId(resource));
}

export function cloneResource(resource: Resource): Resource {
  return {
    ...resource,
    object: deepCopy(resource.object),
    previousIds: resource.previousIds.map((id) => ({ ...id })),
    prefixes: [...resource.prefixes],
    suffixes: [...resource.suffixes],
    refVarNames: [...resource.refVarNames],
  };
}
