// The `images` field: new name, tag or digest for matching container images, anywhere containers appear.
import { fieldSpecApplies, visitFieldPath } from '../field-specs/field-path.ts';
import type { Resource } from '../resource.ts';
import type { FieldSpec, Image } from '../types.ts';

/** Splits `registry:5000/repo/name:tag@sha256:...` into name, tag and digest, ignoring a registry port. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  const slash = image.indexOf('/');
  const offset = slash > 0 ? slash : 0;
  const searched = image.slice(offset);
  let at = searched.indexOf('@');
  let colon = searched.indexOf(':');
  if (colon < 0 && at < 0) return { name: image, tag: '', digest: '' };
  if (at >= 0 && (at < colon || colon < 0)) {
    at += offset;
    return { name: image.slice(0, at), tag: '', digest: image.slice(at + 1) };
  }
  if (at >= 0 && colon >= 0) {
    at += offset;
    colon += offset;
    return { name: image.slice(0, colon), tag: image.slice(colon + 1, at), digest: image.slice(at + 1) };
  }
  colon += offset;
  return { name: image.slice(0, colon), tag: image.slice(colon + 1), digest: '' };
}

/** kustomize matches the entry's name as a regex over the whole image, an optional tag then digest after it. */
export function imageMatches(image: string, name: string): boolean {
  try {
    return new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`).test(image);
  } catch {
    return false;
  }
}

export function updateImage(image: string, entry: Image): string {
  if (!entry.name || !imageMatches(image, entry.name)) return image;
  let { name, tag, digest } = splitImage(image);
  if (entry.newName) name = entry.newName;
  const newTag = entry.newTag === undefined || entry.newTag === null ? '' : String(entry.newTag);
  if (newTag !== '' && entry.digest) {
    tag = newTag;
    digest = entry.digest;
  } else if (newTag !== '') {
    tag = newTag;
    digest = '';
  } else if (entry.digest) {
    tag = '';
    digest = entry.digest;
  }
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

function updateContainersEverywhere(node: unknown, entry: Image): void {
  if (Array.isArray(node)) {
    for (const item of node) updateContainersEverywhere(item, entry);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      for (const container of value) {
        if (typeof container === 'object' && container !== null) {
          const record = container as Record<string, unknown>;
          if (typeof record.image === 'string') record.image = updateImage(record.image, entry);
        }
      }
    }
    updateContainersEverywhere(value, entry);
  }
}

export function applyImages(resources: Resource[], images: Image[], fieldSpecs: FieldSpec[]): void {
  for (const entry of images) {
    for (const resource of resources) {
      updateContainersEverywhere(resource.object, entry);
      for (const spec of fieldSpecs) {
        if (!fieldSpecApplies(spec, resource.object)) continue;
        visitFieldPath(resource.object, spec.path, false, (parent, key) => {
          if (typeof parent[key] === 'string') parent[key] = updateImage(parent[key], entry);
        });
      }
    }
  }
}
