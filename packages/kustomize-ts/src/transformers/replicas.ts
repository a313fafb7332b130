// The `replicas` field: set the replica count of workloads by name.
import { KustomizeError } from '../errors.ts';
import { fieldSpecApplies, visitFieldPath } from '../field-specs/field-path.ts';
import { allIds, type Resource } from '../resource.ts';
import type { FieldSpec, Replica } from '../types.ts';

export function applyReplicas(resources: Resource[], replicas: Replica[], fieldSpecs: FieldSpec[]): void {
  for (const replica of replicas) {
    let found = false;
    for (const resource of resources) {
      if (!allIds(resource).some((id) => id.name === replica.name)) continue;
      for (const spec of fieldSpecs) {
        if (!fieldSpecApplies(spec, resource.object)) continue;
        found = true;
        visitFieldPath(resource.object, spec.path, spec.create === true, (parent, key) => {
          parent[key] = Number(replica.count);
        });
      }
    }
    // A name that matches nothing with a replica count is a mistake kustomize refuses, not a no-op.
    if (!found) {
      const gvks = fieldSpecs.map(
        (spec) => `${spec.kind || '[noKind]'}.${spec.version || '[noVer]'}.${spec.group || '[noGrp]'}`,
      );
      throw new KustomizeError(
        `replicas: resource with name ${replica.name} does not match a config with the following GVK [${gvks.join(' ')}]`,
      );
    }
  }
}
