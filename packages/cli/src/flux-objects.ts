// Reading Flux objects: one list per kind, one object by name with "did you mean" when it is not there.
import { isNotFound } from '@fluxion/runtime/client';
import { FailedError } from './cli-error.ts';
import type { Cluster } from './cluster.ts';
import type { FluxObject } from './flux-kinds.ts';
import type { ServedKind } from './installed-kinds.ts';
import { didYouMean } from './nearest.ts';

export function gvkOfKind(kind: ServedKind): { group: string; version: string; kind: string } {
  return { group: kind.group, version: kind.version, kind: kind.kind };
}

/** One request (paged past 2,000) for every object of the kind in `namespace`, or in all namespaces. */
export async function listKind(
  cluster: Cluster,
  kind: ServedKind,
  namespace: string | undefined,
): Promise<FluxObject[]> {
  // pages of 2,000: a fleet of 1,000 comes back in one round trip
  const { items } = await cluster.client.list<FluxObject & { metadata: object }>(gvkOfKind(kind), {
    namespace,
    limit: 2000,
  });
  return items;
}

export async function getFluxObject(
  cluster: Cluster,
  kind: ServedKind,
  name: string,
  namespace: string,
): Promise<FluxObject> {
  try {
    return await cluster.client.get<FluxObject & { metadata: object }>({
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      name,
      namespace,
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw await notFoundError(cluster, kind, name, namespace);
  }
}

/** `Kustomization "podnfo" not found in namespace apps; did you mean "podinfo"?`, looking in the namespace, then elsewhere. */
export async function notFoundError(
  cluster: Cluster,
  kind: ServedKind,
  name: string,
  namespace: string,
): Promise<FailedError> {
  const here = await listKind(cluster, kind, namespace);
  let hint = didYouMean(
    name,
    here.map((object) => object.metadata?.name ?? ''),
  );
  if (!hint) {
    const elsewhere = (await listKind(cluster, kind, undefined)).filter((object) => object.metadata?.name === name);
    if (elsewhere.length)
      hint = `; it exists in namespace ${elsewhere.map((object) => object.metadata?.namespace).join(', ')} (use -n)`;
  }
  if (!hint && here.length === 0) hint = `; there is no ${kind.kind} in namespace ${namespace}`;
  return new FailedError(`${kind.kind} "${name}" not found in namespace ${namespace}${hint}`);
}

export function objectName(object: FluxObject): string {
  return object.metadata?.name ?? '';
}
