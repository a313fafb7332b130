// The ordered list of resources a build accumulates, refusing two resources with the same id.
import { KustomizeError } from './errors.ts';
import { allIds, currentId, effectiveNamespace, formatId, sameId, type ResId, type Resource } from './resource.ts';

export class ResMap {
  readonly resources: Resource[] = [];

  append(resource: Resource): void {
    const id = currentId(resource);
    if (this.resources.some((existing) => sameId(currentId(existing), id))) {
      throw new KustomizeError(`may not add resource with an already registered id: ${formatId(id)}`);
    }
    this.resources.push(resource);
  }

  /** Like `append` for each, with the ids already present looked up once rather than per resource. */
  appendAll(resources: Iterable<Resource>): void {
    const taken = new Set(this.resources.map((existing) => idKey(currentId(existing))));
    for (const resource of resources) {
      const id = currentId(resource);
      const key = idKey(id);
      if (taken.has(key))
        throw new KustomizeError(`may not add resource with an already registered id: ${formatId(id)}`);
      taken.add(key);
      this.resources.push(resource);
    }
  }

  /** Resources any of whose ids (current or earlier) equal `id`. */
  matchingAnyId(id: ResId): Resource[] {
    return this.resources.filter((resource) => allIds(resource).some((candidate) => sameId(candidate, id)));
  }

  replace(old: Resource, replacement: Resource): void {
    const index = this.resources.indexOf(old);
    if (index >= 0) this.resources[index] = replacement;
  }

  remove(resource: Resource): void {
    const index = this.resources.indexOf(resource);
    if (index >= 0) this.resources.splice(index, 1);
  }
}

/** Equal for ids `sameId` calls equal. */
function idKey(id: ResId): string {
  return [id.group, id.version, id.kind, id.name, effectiveNamespace(id)].join('\u0000');
}
