// The `replicas` field: set the replica count of workloads by name.
import { fieldSpecApplies, visitFieldPath } from '../field-specs/field-path.ts';
import { allIds, type Resource } from '../resource.ts';
import type { FieldSpec, Replica } from '../types.ts';

export function applyReplicas(resources: Resource[], replicas: Replica[], fieldSpecs: FieldSpec[]): void {
  for (const replica of replicas) {
    for (const resource of resources) {
      if (!allIds(resource).some((id) => id.name === replica.name)) continue;
      for (const spec of fieldSpecs) {
        if (!fieldSpecApplies(spec, resource.object)) continue;
        visitFieldPath(resource.object, spec.path, spec.create === true, (parent, key) => {
          parent[key] = Number(replica.count);
        });
      }
    }
  }
}
