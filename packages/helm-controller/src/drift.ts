// Drift detection: each object of the release's manifest, applied as a server-side dry-run, compared with the cluster.
import type { DriftDetection, IgnoreRule } from '@fluxion/api';
import { isNotFound, parseApiVersion, type KubeClient } from '@fluxion/runtime';
import { isDeepStrictEqual } from 'node:util';
import type { ManifestObject } from './release-objects.ts';

/** The field manager Helm 4 applies with (server-side apply); corrections use it so Helm keeps owning the fields. */
export const HelmFieldManager = 'helm';

export interface DriftEntry {
  /** `Kind/namespace/name`. */
  subject: string;
  /** What differs: 'missing', or the top-level fields that changed. */
  change: string;
}

const volatileMetadata = ['managedFields', 'resourceVersion', 'generation', 'creationTimestamp', 'uid', 'selfLink'];

/** The objects whose live state differs from what the manifest would make of it (ignoring the ignore rules). */
export async function detectDrift(
  client: KubeClient,
  objects: readonly ManifestObject[],
  detection: DriftDetection | undefined,
): Promise<DriftEntry[]> {
  const drifted: DriftEntry[] = [];
  await Promise.all(
    objects.map(async (object) => {
      const ref = {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace: object.metadata.namespace,
      };
      const subject = `${object.kind}/${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
      const live = await client.getIfExists<Record<string, unknown>>(ref);
      if (!live) return void drifted.push({ subject, change: 'missing' });
      let desired: Record<string, unknown>;
      try {
        desired = await client.apply(object as never, { fieldManager: HelmFieldManager, force: true, dryRun: true });
      } catch (error) {
        if (isNotFound(error)) return void drifted.push({ subject, change: 'missing' });
        throw error;
      }
      const paths = ignoredPaths(object, detection?.ignore ?? []);
      const changed = changedFields(normalize(live, paths), normalize(desired, paths));
      if (changed.length > 0) drifted.push({ subject, change: changed.join(', ') });
    }),
  );
  return drifted.sort((a, b) => a.subject.localeCompare(b.subject));
}

/** Applies the drifted objects again (server-side, as Helm's field manager, forcing conflicts). */
export async function correctDrift(
  client: KubeClient,
  objects: readonly ManifestObject[],
  drifted: readonly DriftEntry[],
): Promise<void> {
  const subjects = new Set(drifted.map((entry) => entry.subject));
  for (const object of objects) {
    const subject = `${object.kind}/${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
    if (subjects.has(subject)) await client.apply(object as never, { fieldManager: HelmFieldManager, force: true });
  }
}

export function describeDrift(drifted: readonly DriftEntry[]): string {
  const shown = drifted.slice(0, 10).map((entry) => `${entry.subject} (${entry.change})`);
  return `${shown.join('; ')}${drifted.length > 10 ? `; and ${drifted.length - 10} more` : ''}`;
}

function ignoredPaths(object: ManifestObject, rules: readonly IgnoreRule[]): string[] {
  const { group, version } = parseApiVersion(object.apiVersion);
  return rules
    .filter((rule) => {
      const target = rule.target;
      if (!target) return true;
      if (target.kind && target.kind !== object.kind) return false;
      if (target.group !== undefined && target.group !== group) return false;
      if (target.version && target.version !== version) return false;
      if (target.namespace && target.namespace !== object.metadata.namespace) return false;
      if (target.name && !new RegExp(`^${target.name}$`).test(object.metadata.name)) return false;
      return true;
    })
    .flatMap((rule) => rule.paths);
}

function normalize(object: Record<string, unknown>, ignored: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(object);
  delete copy['status'];
  const metadata = copy['metadata'] as Record<string, unknown> | undefined;
  if (metadata) for (const key of volatileMetadata) delete metadata[key];
  for (const pointer of ignored) removePointer(copy, pointer);
  return copy;
}

function removePointer(object: Record<string, unknown>, pointer: string): void {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  let node: unknown = object;
  for (const [index, part] of parts.entries()) {
    if (typeof node !== 'object' || node === null) return;
    if (index === parts.length - 1) {
      if (Array.isArray(node)) node.splice(Number(part), 1);
      else delete (node as Record<string, unknown>)[part];
      return;
    }
    node = (node as Record<string, unknown>)[part];
  }
}

function changedFields(live: Record<string, unknown>, desired: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(live), ...Object.keys(desired)]);
  const changed: string[] = [];
  for (const key of keys) {
    if (key === 'metadata') {
      const a = (live['metadata'] ?? {}) as Record<string, unknown>;
      const b = (desired['metadata'] ?? {}) as Record<string, unknown>;
      for (const field of ['labels', 'annotations'])
        if (!isDeepStrictEqual(a[field] ?? {}, b[field] ?? {})) changed.push(`metadata.${field}`);
    } else if (!isDeepStrictEqual(live[key], desired[key])) {
      changed.push(key);
    }
  }
  return changed;
}
