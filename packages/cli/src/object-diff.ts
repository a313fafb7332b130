// One object's change as a person reads it: the live object against the server's dry-run of applying the new one,
// without the fields the server manages, and with Secret values masked.
import { stringify } from 'yaml';
import { unifiedDiff } from './unified-diff.ts';

type Json = Record<string, unknown>;

const serverMetadata = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink'];

/** A copy fit to compare: server-set metadata and status dropped. */
export function comparable(object: Json): Json {
  const copy = structuredClone(object);
  const metadata = (copy['metadata'] ?? {}) as Json;
  for (const key of serverMetadata) delete metadata[key];
  delete copy['status'];
  return copy;
}

/**
 * Secret values replaced by `***`, with a marker where the value differs between the two sides, so a changed
 * password shows as changed without being shown.
 */
export function maskSecrets(before: Json | undefined, after: Json): { before: Json | undefined; after: Json } {
  if (after['kind'] !== 'Secret') return { before, after };
  const mask = (object: Json | undefined, other: Json | undefined, marker: string): Json | undefined => {
    if (!object) return object;
    const copy = structuredClone(object);
    for (const field of ['data', 'stringData']) {
      const values = copy[field] as Record<string, string> | undefined;
      if (!values) continue;
      const otherValues = (other?.[field] ?? {}) as Record<string, string>;
      for (const key of Object.keys(values)) values[key] = otherValues[key] === values[key] ? '***' : `*** (${marker})`;
    }
    return copy;
  };
  return { before: mask(before, after, 'before'), after: mask(after, before, 'after') as Json };
}

export function objectYaml(object: Json | undefined): string {
  return object ? stringify(object, { lineWidth: 0, sortMapEntries: true }) : '';
}

export function diffObjects(live: Json | undefined, applied: Json, subject: string): string {
  const masked = maskSecrets(live ? comparable(live) : undefined, comparable(applied));
  return unifiedDiff(objectYaml(masked.before), objectYaml(masked.after), {
    before: `live ${subject}`,
    after: `merged ${subject}`,
  });
}
