// The `namespace` field: moves namespaced resources, renames Namespace objects, and fixes the subjects and
// service references kustomize also moves.
import { fieldSpecApplies, visitFieldPath } from '../field-specs/field-path.ts';
import { isClusterScoped } from '../field-specs/cluster-scoped-kinds.ts';
import { KustomizeError } from '../errors.ts';
import { currentId, effectiveNamespace, formatId, metadataOf, rememberCurrentId, type Resource } from '../resource.ts';
import type { FieldSpec } from '../types.ts';

const HANDLED_SEPARATELY = new Set(['metadata/namespace', 'subjects[]/namespace', 'subjects/namespace']);

/** `unsetOnly` (NamespaceTransformer plugin option) leaves resources that already have a namespace alone. */
export function applyNamespace(
  resources: Resource[],
  namespace: string,
  fieldSpecs: FieldSpec[],
  unsetOnly = false,
): void {
  for (const resource of resources) {
    const id = currentId(resource);
    const object = resource.object;
    if (unsetOnly && id.namespace !== '') continue;
    rememberCurrentId(resource);
    if (!isClusterScoped(id.group, id.kind)) metadataOf(object).namespace = namespace;
    if ((object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') && Array.isArray(object.subjects)) {
      for (const subject of object.subjects) {
        // Only subjects naming the default ServiceAccount follow the namespace; others name accounts elsewhere.
        if (isRecord(subject) && subject.kind === 'ServiceAccount' && subject.name === 'default')
          subject.namespace = namespace;
      }
    }
    for (const spec of fieldSpecs) {
      if (HANDLED_SEPARATELY.has(spec.path) || !fieldSpecApplies(spec, object)) continue;
      if (spec.path === 'metadata/name' && !(object.kind === 'Namespace' && object.apiVersion === 'v1')) continue;
      visitFieldPath(object, spec.path, spec.create === true, (parent, key) => {
        parent[key] = namespace;
      });
    }
  }
  checkNoIdConflict(resources);
}

/** Two objects that differed only by namespace become one id: kustomize refuses rather than keep both. */
function checkNoIdConflict(resources: Resource[]): void {
  const seen = new Map<string, Resource>();
  for (const resource of resources) {
    const id = currentId(resource);
    const key = `${id.group}/${id.version}/${id.kind}/${id.name}/${effectiveNamespace(id)}`;
    const other = seen.get(key);
    if (other) {
      const ids = [other, resource].map((r) => formatId(r.previousIds.at(-1) ?? currentId(r))).join(', ');
      throw new KustomizeError(`namespace transformation produces ID conflict: ${formatId(id)} (from ${ids})`);
    }
    seen.set(key, resource);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
