// Digests of what makes a release: values (Flux's configDigest), post-renderers and common metadata.
import { createHash } from 'node:crypto';

/** JSON with keys sorted at every level, so equal values give an equal digest whatever their order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

export function sha256Of(value: unknown): string {
  return `sha256:${createHash('sha256')
    .update(canonicalJson(value ?? null))
    .digest('hex')}`;
}

/** Flux's deprecated lastAttemptedValuesChecksum: sha1 of the values. */
export function sha1Of(value: unknown): string {
  return createHash('sha1')
    .update(canonicalJson(value ?? {}))
    .digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
