// Naming API types and objects: group/version/kind, apiVersion strings, and `Kind/namespace/name` labels.
import type { KubernetesObject } from '@kubernetes/client-node';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** Where a type is served: the plural resource name and whether its objects live in namespaces. */
export interface ApiResource extends GroupVersionKind {
  plural: string;
  namespaced: boolean;
  hasStatus: boolean;
  verbs: string[];
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function formatApiVersion(gv: { group: string; version: string }): string {
  return gv.group ? `${gv.group}/${gv.version}` : gv.version;
}

export class InvalidObjectError extends Error {
  override readonly name = 'InvalidObjectError';
  readonly reason = 'InvalidObject';
}

export function gvkOf(object: KubernetesObject): GroupVersionKind {
  if (!object.apiVersion || !object.kind) {
    throw new InvalidObjectError(`object ${object.metadata?.name ?? '<unnamed>'} has no apiVersion or kind`);
  }
  return { ...parseApiVersion(object.apiVersion), kind: object.kind };
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects: how Flux names an object in messages. */
export function objectLabel(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace;
  return `${object.kind ?? 'Unknown'}/${namespace ? `${namespace}/` : ''}${object.metadata?.name ?? '<unnamed>'}`;
}

/** The key a work queue and a store use: `namespace/name`, or `name` when cluster-scoped. */
export function objectKey(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace;
  const name = object.metadata?.name ?? '';
  return namespace ? `${namespace}/${name}` : name;
}
