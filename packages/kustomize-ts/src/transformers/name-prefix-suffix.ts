// namePrefix and nameSuffix: rename every resource but the kinds kustomize leaves alone.
import { fieldSpecApplies, visitFieldPath } from '../field-specs/field-path.ts';
import { NAME_PREFIX_SKIPPED } from '../field-specs/default-field-specs.ts';
import { rememberCurrentId, type Resource } from '../resource.ts';
import type { FieldSpec } from '../types.ts';

export function applyNamePrefixSuffix(resources: Resource[], prefix: string, suffix: string, extraFieldSpecs: FieldSpec[] = []): void {
  if (prefix === '' && suffix === '') return;
  for (const resource of resources) {
    const object = resource.object;
    if (NAME_PREFIX_SKIPPED.some((spec) => fieldSpecApplies(spec, object))) continue;
    rememberCurrentId(resource);
    const metadata = object.metadata ?? {};
    if (typeof metadata.name === 'string') metadata.name = `${prefix}${metadata.name}${suffix}`;
    for (const spec of extraFieldSpecs) {
      if (spec.path === 'metadata/name' || !fieldSpecApplies(spec, object)) continue;
      visitFieldPath(object, spec.path, spec.create === true, (parent, key) => {
        if (typeof parent[key] === 'string') parent[key] = `${prefix}${parent[key]}${suffix}`;
      });
    }
  }
}
