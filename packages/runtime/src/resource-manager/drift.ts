// Has an object drifted? Compares a server-side dry-run result with the live object, ignoring bookkeeping fields.
import type { KubernetesObject } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';

/** Fields the API server changes on every write or that say nothing about what was declared. */
const bookkeepingMetadata = ['managedFields', 'resourceVersion', 'generation'] as const;

export function withoutBookkeeping(
  object: KubernetesObject,
  options: { ignoreStatus: boolean },
): Record<string, unknown> {
  const { metadata, ...rest } = object as KubernetesObject & Record<string, unknown>;
  const meta: Record<string, unknown> = { ...(metadata as Record<string, unknown> | undefined) };
  for (const field of bookkeepingMetadata) delete meta[field];
  const copy: Record<string, unknown> = { ...rest, metadata: meta };
  // status is written by controllers between our GET and our dry-run; our manifests never own it
  if (options.ignoreStatus) delete copy['status'];
  return copy;
}

/** True when applying would change the live object. */
export function hasDrifted(
  live: KubernetesObject,
  dryRun: KubernetesObject,
  options: { ignoreStatus: boolean },
): boolean {
  return !isDeepStrictEqual(withoutBookkeeping(live, options), withoutBookkeeping(dryRun, options));
}
