// The `# {"$imagepolicy": "<namespace>:<name>[:tag|:name|:digest]"}` comment that marks a field for the Setters
// strategy, and the value it stands for given the policies' `status.latestRef`.
import type { ImageRef } from '@fluxion/api';

export type SetterField = 'image' | 'tag' | 'name' | 'digest';

export interface SetterMarker {
  /** The marker's value as written, e.g. `apps:web:tag` (Flux's `Setter` in the commit template data). */
  setter: string;
  namespace: string;
  policy: string;
  field: SetterField;
}

// A comment whose whole text is one JSON object with an "$imagepolicy" key.
const markerComment = /^\s*(\{\s*"\$imagepolicy"\s*:.*\})\s*$/;

/** The marker in a comment's text (what follows `#`), or undefined; a malformed marker is a string saying why. */
export function parseMarker(commentText: string): SetterMarker | string | undefined {
  const match = markerComment.exec(commentText);
  if (!match) return undefined;
  let value: unknown;
  try {
    value = (JSON.parse(match[1]!) as Record<string, unknown>).$imagepolicy;
  } catch {
    return `the marker ${match[1]} is not valid JSON`;
  }
  if (typeof value !== 'string') return `the "$imagepolicy" of marker ${match[1]} is not a string`;
  const [namespace, policy, part, ...rest] = value.split(':');
  const field = part === undefined ? 'image' : partFields.get(part);
  if (!namespace || !policy || field === undefined || rest.length > 0) {
    return `the marker "${value}" is not <namespace>:<name> with an optional :tag, :name or :digest`;
  }
  return { setter: value, namespace, policy, field };
}

const partFields = new Map<string, SetterField>([
  ['tag', 'tag'],
  ['name', 'name'],
  ['digest', 'digest'],
]);

/** What a marker sets from a policy's latest image: the full reference (`name:tag`, `@digest` when known), or one part. */
export function markerValue(marker: SetterMarker, latest: ImageRef): string | undefined {
  switch (marker.field) {
    case 'image':
      return latest.digest ? `${latest.name}:${latest.tag}@${latest.digest}` : `${latest.name}:${latest.tag}`;
    case 'tag':
      return latest.tag;
    case 'name':
      return latest.name;
    case 'digest':
      return latest.digest || undefined;
  }
}
