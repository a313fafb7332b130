// Follows renamed resources (prefix, suffix, hash, namespace) into every field that refers to them by name.
import { KustomizeError } from '../errors.ts';
import { fieldSpecApplies, visitFieldPath } from '../field-specs/field-path.ts';
import type { NameReferenceRule } from '../field-specs/default-field-specs.ts';
import { isClusterScoped } from '../field-specs/cluster-scoped-kinds.ts';
import { currentId, effectiveNamespace, formatId, type ResId, type Resource } from '../resource.ts';

function selectsReferral(rule: NameReferenceRule, id: ResId): boolean {
  const { referral } = rule;
  if (referral.kind !== id.kind) return false;
  if (referral.group !== undefined && referral.group !== id.group) return false;
  if (referral.version !== undefined && referral.version !== id.version) return false;
  return true;
}

/** The resources of one referred kind that were renamed, by each name they had before. */
type Referrals = Map<string, Resource[]>;

function indexByPreviousName(resources: Resource[]): Referrals {
  const index: Referrals = new Map();
  for (const resource of resources) {
    for (const name of new Set(resource.previousIds.map((id) => id.name))) {
      const list = index.get(name);
      if (list) list.push(resource);
      else index.set(name, [resource]);
    }
  }
  return index;
}

/** Resources of the referred kind that once had `name` and that the referrer can see. */
function candidatesFor(name: string, referrer: Resource, referrals: Referrals): Resource[] {
  const referrerId = currentId(referrer);
  let candidates = referrals.get(name) ?? [];
  if (!isClusterScoped(referrerId.group, referrerId.kind)) {
    candidates = candidates.filter((resource) => {
      const id = currentId(resource);
      if (isClusterScoped(id.group, id.kind) || id.kind === 'ServiceAccount') return true;
      return effectiveNamespace(id) === effectiveNamespace(referrerId);
    });
  }
  return candidates;
}

/** `withNamespace`: an object reference (name and namespace) is unambiguous only if the candidates share both. */
function narrow(candidates: Resource[], referrer: Resource, name: string, withNamespace = false): Resource | undefined {
  if (candidates.length <= 1) return candidates[0];
  const referrerId = currentId(referrer);
  const sameNamespace = candidates.filter(
    (resource) => effectiveNamespace(currentId(resource)) === effectiveNamespace(referrerId),
  );
  if (sameNamespace.length === 1) return sameNamespace[0];
  let pool = sameNamespace.length > 0 ? sameNamespace : candidates;
  // As kustomize: those sharing the referrer's outer prefixes or suffixes, then if still several, both.
  pool = pool.filter((resource) => affixesMatch(resource, referrer, true));
  if (pool.length > 1) pool = pool.filter((resource) => affixesMatch(resource, referrer, false));
  if (pool.length <= 1) return pool[0];
  const names = new Set(
    pool.map((resource) => {
      const id = currentId(resource);
      return withNamespace ? `${id.namespace}/${id.name}` : id.name;
    }),
  );
  if (names.size === 1) return pool[0];
  throw new KustomizeError(
    `found multiple possible referrals for name '${name}' in ${formatId(referrerId)}: ${pool.map((r) => formatId(currentId(r))).join(', ')}`,
  );
}

function affixesMatch(candidate: Resource, referrer: Resource, either: boolean): boolean {
  const prefixes = sameEnding(candidate.prefixes, referrer.prefixes);
  const suffixes = sameEnding(candidate.suffixes, referrer.suffixes);
  return either ? prefixes || suffixes : prefixes && suffixes;
}

/** One list is the end of the other (`[a, b, c]` and `[b, c]`); an empty list only matches an empty one. */
function sameEnding(a: string[], b: string[]): boolean {
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  const offset = longer.length - shorter.length;
  if (shorter.length === 0) return offset === 0;
  return shorter.every((value, index) => longer[index + offset] === value);
}

function renameScalar(value: unknown, referrer: Resource, referrals: Referrals): unknown {
  if (typeof value !== 'string') return value;
  const target = narrow(candidatesFor(value, referrer, referrals), referrer, value);
  return target ? currentId(target).name : value;
}

/** A `{name, namespace}` reference (webhook service, RBAC subject): both follow the referral. */
function renameObjectReference(
  reference: Record<string, unknown>,
  referrer: Resource,
  referrals: Referrals,
  kind: string,
): void {
  if (kind === 'ServiceAccount' && reference.kind !== undefined && reference.kind !== 'ServiceAccount') return;
  const name = reference.name;
  if (typeof name !== 'string') return;
  const namespace = typeof reference.namespace === 'string' ? reference.namespace : '';
  const referenceNamespace = namespace === '' ? 'default' : namespace;
  const candidates = (referrals.get(name) ?? []).filter((resource) =>
    resource.previousIds.some((id) => id.name === name && effectiveNamespace(id) === referenceNamespace),
  );
  const target = narrow(candidates, referrer, name, true);
  if (!target) return;
  const id = currentId(target);
  reference.name = id.name;
  if (id.namespace !== '') reference.namespace = id.namespace;
}

function roleRefKindMatches(parent: Record<string, unknown>, key: string, referralKind: string): boolean {
  // roleRef names a Role or a ClusterRole; only follow the kind it says.
  if (key !== 'name' || typeof parent.kind !== 'string') return true;
  return parent.kind === referralKind;
}

/** kustomize reads the namespaces a RoleBinding's ServiceAccount subjects name, and refuses one that is not a string. */
function checkRoleBindingSubjects(resource: Resource): void {
  const { object } = resource;
  if (object.kind !== 'RoleBinding' || !Array.isArray(object.subjects)) return;
  for (const subject of object.subjects as unknown[]) {
    if (typeof subject !== 'object' || subject === null || !('namespace' in subject)) continue;
    const { kind, namespace } = subject as Record<string, unknown>;
    if (kind === 'ServiceAccount' && typeof namespace !== 'string') {
      throw new KustomizeError(
        `Invalid Input: namespace is blank for resource "${formatId(currentId(resource))}" (its subject ServiceAccount)`,
      );
    }
  }
}

export function fixNameReferences(resources: Resource[], rules: NameReferenceRule[]): void {
  for (const resource of resources) checkRoleBindingSubjects(resource);
  for (const rule of rules) {
    const referrals = indexByPreviousName(resources.filter((resource) => selectsReferral(rule, currentId(resource))));
    if (referrals.size === 0) continue;
    for (const referrer of resources) {
      for (const spec of rule.referrers) {
        if (!fieldSpecApplies(spec, referrer.object)) continue;
        visitFieldPath(referrer.object, spec.path, false, (parent, key) => {
          if (spec.path.endsWith('roleRef/name') && !roleRefKindMatches(parent, key, rule.referral.kind)) return;
          const value = parent[key];
          if (Array.isArray(value)) {
            parent[key] = value.map((item) => {
              if (typeof item === 'object' && item !== null) {
                renameObjectReference(item as Record<string, unknown>, referrer, referrals, rule.referral.kind);
                return item;
              }
              return renameScalar(item, referrer, referrals);
            });
          } else if (typeof value === 'object' && value !== null) {
            renameObjectReference(value as Record<string, unknown>, referrer, referrals, rule.referral.kind);
          } else {
            parent[key] = renameScalar(value, referrer, referrals);
          }
        });
      }
    }
  }
}
