// Picks the resources a patch or replacement targets: anchored regexes on group/version/kind/name/namespace,
// label and annotation selectors, matching either the original or the current name and namespace.
import { KustomizeError } from './errors.ts';
import { buildAnnotationsOf } from './build-annotations.ts';
import { currentId, effectiveNamespace, originalId, type Resource } from './resource.ts';
import type { Target } from './types.ts';

function anchored(pattern: string | undefined, field: string): RegExp | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (error) {
    throw new KustomizeError(`invalid ${field} regex '${pattern}' in target selector: ${(error as Error).message}`);
  }
}

type Requirement = { key: string; operator: 'in' | 'notin' | 'exists' | 'doesnotexist'; values: string[] };

/** Parses a Kubernetes label selector string: `a=b,c!=d,e in (f,g),!h,i`. */
export function parseLabelSelector(selector: string): Requirement[] {
  const requirements: Requirement[] = [];
  const parts = selector.match(/(?:[^,(]+|\([^)]*\))+/g) ?? [];
  for (const rawPart of parts) {
    const part = rawPart.trim();
    if (part === '') continue;
    let match = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (match) {
      const values = (match[3] ?? '')
        .split(',')
        .map((value) => value.trim())
        .filter((value) => value !== '');
      requirements.push({ key: match[1] ?? '', operator: match[2] as 'in' | 'notin', values });
      continue;
    }
    match = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (match) {
      requirements.push({
        key: match[1] ?? '',
        operator: match[2] === '!=' ? 'notin' : 'in',
        values: [match[3] ?? ''],
      });
      continue;
    }
    match = /^!\s*(\S+)$/.exec(part);
    if (match) {
      requirements.push({ key: match[1] ?? '', operator: 'doesnotexist', values: [] });
      continue;
    }
    if (/^\S+$/.test(part)) {
      requirements.push({ key: part, operator: 'exists', values: [] });
      continue;
    }
    throw new KustomizeError(`unable to parse selector requirement '${part}'`);
  }
  return requirements;
}

export function matchesSelector(selector: string | undefined, labels: Record<string, unknown> | undefined): boolean {
  if (selector === undefined || selector === '') return true;
  const values = labels ?? {};
  return parseLabelSelector(selector).every((requirement) => {
    const has = Object.hasOwn(values, requirement.key);
    const value = String(values[requirement.key] ?? '');
    switch (requirement.operator) {
      case 'exists':
        return has;
      case 'doesnotexist':
        return !has;
      case 'in':
        return has && requirement.values.includes(value);
      case 'notin':
        return !has || !requirement.values.includes(value);
    }
  });
}

/** The resources a target selects, in build order. */
export function selectResources(resources: Resource[], target: Target): Resource[] {
  const group = anchored(target.group, 'group');
  const version = anchored(target.version, 'version');
  const kind = anchored(target.kind, 'kind');
  const name = anchored(target.name, 'name');
  const namespace = anchored(target.namespace, 'namespace');
  return resources.filter((resource) => {
    const current = currentId(resource);
    const original = originalId(resource);
    if (namespace) {
      const namespaces = [
        effectiveNamespace(original),
        effectiveNamespace(current),
        original.namespace,
        current.namespace,
      ];
      if (!namespaces.some((candidate) => namespace.test(candidate))) return false;
    }
    if (name && !name.test(original.name) && !name.test(current.name)) return false;
    if (group && !group.test(current.group)) return false;
    if (version && !version.test(current.version)) return false;
    if (kind && !kind.test(current.kind)) return false;
    const metadata = resource.object.metadata ?? {};
    if (!matchesSelector(target.labelSelector, metadata.labels)) return false;
    // kustomize's build annotations are among the annotations a selector sees, as they are on its objects.
    if (
      target.annotationSelector &&
      !matchesSelector(target.annotationSelector, { ...metadata.annotations, ...buildAnnotationsOf(resource) })
    ) {
      return false;
    }
    return true;
  });
}
