// Writes string key/values into the maps at field specs: what commonLabels, labels and commonAnnotations do.
import { KustomizeError } from '../errors.ts';
import { fieldSpecApplies, visitFieldPath } from '../field-specs/field-path.ts';
import type { Resource } from '../resource.ts';
import type { FieldSpec } from '../types.ts';

export function setMapEntries(resources: Resource[], entries: Record<string, string>, fieldSpecs: FieldSpec[]): void {
  if (Object.keys(entries).length === 0) return;
  for (const resource of resources) {
    for (const spec of fieldSpecs) {
      if (!fieldSpecApplies(spec, resource.object)) continue;
      visitFieldPath(resource.object, spec.path, spec.create === true, (parent, key) => {
        let map = parent[key];
        if (map === undefined || map === null) {
          map = {};
          parent[key] = map;
        }
        if (typeof map !== 'object' || Array.isArray(map)) {
          throw new KustomizeError(
            `expected a map at ${spec.path} in ${resource.object.kind ?? ''} ${String(resource.object.metadata?.name ?? '')}`,
          );
        }
        for (const [name, value] of Object.entries(entries))
          (map as Record<string, unknown>)[name] = String(value ?? '');
      });
    }
  }
}
