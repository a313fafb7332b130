// namePrefix and nameSuffix: rename every resource but the kinds kustomize leaves alone.
import { fieldSpecApplies, visitFieldPath } from '../field-specs/field-path.ts';
import { NAME_PREFIX_SKIPPED } from '../field-specs/default-field-specs.ts';
import { rememberCurrentId, type Resource } from '../resource.ts';
import type { FieldSpec } from '../types.ts';

/**
 * `extraFieldSpecs` are further fields to prefix; with `onlyGiven` (a PrefixSuffixTransformer plugin config)
 * metadata/name is renamed only where one of them says so.
 */
export function applyNamePrefixSuffix(
  resources: Resource[],
  prefix: string,
  suffix: string,
  extraFieldSpecs: FieldSpec[] = [],
  onlyGiven = false,
): void {
  if (prefix === '' && suffix === '') return;
  for (const resource of resources) {
    const object = resource.object;
    if (NAME_PREFIX_SKIPPED.some((spec) => fieldSpecApplies(spec, object))) continue;
    const renamesName =
      !onlyGiven || extraFieldSpecs.some((spec) => spec.path === 'metadata/name' && fieldSpecApplies(spec, object));
    const metadata = object.metadata ?? {};
    if (renamesName && typeof metadata.name === 'string') {
      rememberCurrentId(resource);
      metadata.name = `${prefix}${metadata.name}${suffix}`;
      if (prefix !== '') resource.prefixes.push(prefix);
      if (suffix !== '') resource.suffixes.push(suffix);
    }
    for (const spec of extraFieldSpecs) {
      if (spec.path === 'metadata/name' || !fieldSpecApplies(spec, object)) continue;
      visitFieldPath(object, spec.path, spec.create === true, (parent, key) => {
        if (typeof parent[key] === 'string') parent[key] = `${prefix}${parent[key]}${suffix}`;
      });
    }
  }
}
