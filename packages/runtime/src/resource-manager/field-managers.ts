// Takes over fields that kubectl edits/scales/applies left behind, so the next apply can revert that drift.
import type { KubernetesObject, V1ManagedFieldsEntry } from '@kubernetes/client-node';

export interface FieldManagerMatch {
  /** Matched as a prefix: `kubectl` covers kubectl-edit, kubectl-client-side-apply, kubectl-scale... */
  name: string;
  operation: 'Apply' | 'Update';
}

/** Managers whose fields we take over unless the caller says otherwise. */
export function defaultTakeOverManagers(ourManager: string): FieldManagerMatch[] {
  return [
    { name: 'kubectl', operation: 'Update' },
    { name: 'kubectl', operation: 'Apply' },
    { name: 'before-first-apply', operation: 'Update' },
    // an object first created by us with POST/PUT, or by an older release that did not use apply
    { name: ourManager, operation: 'Update' },
  ];
}

export type JsonPatchOperation =
  { op: 'test'; path: string; value: unknown } | { op: 'replace'; path: string; value: unknown };

/**
 * A JSON patch that renames the matching managedFields entries to `ourManager` (operation Apply), merging
 * their field sets into ours; `undefined` when nothing matches. Guarded by resourceVersion.
 */
export function takeOverFieldManagersPatch(
  live: KubernetesObject,
  managers: readonly FieldManagerMatch[],
  ourManager: string,
): JsonPatchOperation[] | undefined {
  const entries = live.metadata?.managedFields ?? [];
  const isTakenOver = (entry: V1ManagedFieldsEntry): boolean =>
    !entry.subresource &&
    !(entry.manager === ourManager && entry.operation === 'Apply') &&
    managers.some((match) => (entry.manager ?? '').startsWith(match.name) && entry.operation === match.operation);
  if (!entries.some(isTakenOver)) return undefined;

  const kept: V1ManagedFieldsEntry[] = [];
  let ours: V1ManagedFieldsEntry | undefined;
  for (const entry of entries) {
    const isOurs = !entry.subresource && entry.manager === ourManager && entry.operation === 'Apply';
    if (!isOurs && !isTakenOver(entry)) {
      kept.push(entry);
      continue;
    }
    if (!ours) {
      ours = { ...entry, manager: ourManager, operation: 'Apply' };
      kept.push(ours);
    } else {
      ours.fieldsV1 = mergeFieldSets(ours.fieldsV1, entry.fieldsV1);
    }
  }
  return [
    { op: 'test', path: '/metadata/resourceVersion', value: live.metadata?.resourceVersion },
    { op: 'replace', path: '/metadata/managedFields', value: kept },
  ];
}

/** fieldsV1 is a trie of `f:`/`k:`/`v:`/`i:` keys; the union of two sets is the deep union of the tries. */
export function mergeFieldSets(a: unknown, b: unknown): object {
  const left = isRecord(a) ? a : {};
  const right = isRecord(b) ? b : {};
  const merged: Record<string, unknown> = { ...left };
  for (const [key, value] of Object.entries(right)) {
    merged[key] = key in merged ? mergeFieldSets(merged[key], value) : value;
  }
  return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
