// spec.ignore: fields (JSON pointers) the apply leaves as they are in the cluster, so another controller that owns them
// (an autoscaler's replicas, a webhook's injection) is not fought. An object not yet in the cluster is applied whole.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { IgnoreRule, Selector } from '@fluxion/api';
import { refOf, type KubeClient } from '@fluxion/runtime';

/** Each object a rule selects, with the ignored fields taken from its copy in the cluster (or left out where it has none). */
export async function applyIgnoreRules(
  client: KubeClient,
  objects: readonly KubernetesObject[],
  rules: readonly IgnoreRule[],
): Promise<KubernetesObject[]> {
  return Promise.all(
    objects.map(async (object) => {
      const paths = rules.filter((rule) => !rule.target || selects(rule.target, object)).flatMap((rule) => rule.paths);
      if (paths.length === 0) return object;
      const live = await client.getIfExists(refOf(object));
      if (!live) return object;
      const desired = structuredClone(object) as unknown as Record<string, unknown>;
      for (const path of paths) {
        const tokens = pointerTokens(path);
        if (tokens.length === 0) continue;
        const value = valueAt(live, tokens);
        if (value === undefined) removeAt(desired, tokens);
        else setAt(desired, tokens, structuredClone(value));
      }
      return desired as unknown as KubernetesObject;
    }),
  );
}

/** RFC 6901: `/a/b~1c` is ['a', 'b/c']; `~0` is `~`. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function valueAt(root: unknown, tokens: readonly string[]): unknown {
  let node: unknown = root;
  for (const token of tokens) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[Array.isArray(node) ? Number(token) : token];
  }
  return node;
}

function setAt(root: Record<string, unknown>, tokens: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = root;
  for (const token of tokens.slice(0, -1)) {
    const next = node[token];
    if (next === null || typeof next !== 'object') node[token] = {};
    node = node[token] as Record<string, unknown>;
  }
  node[tokens.at(-1) ?? ''] = value;
}

function removeAt(root: Record<string, unknown>, tokens: readonly string[]): void {
  const parent = valueAt(root, tokens.slice(0, -1));
  const last = tokens.at(-1) ?? '';
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (parent !== null && typeof parent === 'object') delete (parent as Record<string, unknown>)[last];
}

/** kustomize's selector: every field given must match; name is a regular expression over the whole name. */
export function selects(selector: Selector, object: KubernetesObject): boolean {
  const [group, version] = (object.apiVersion ?? '').includes('/')
    ? (object.apiVersion ?? '').split('/')
    : ['', object.apiVersion ?? ''];
  if (selector.group !== undefined && selector.group !== group) return false;
  if (selector.version !== undefined && selector.version !== version) return false;
  if (selector.kind !== undefined && selector.kind !== object.kind) return false;
  if (selector.namespace !== undefined && selector.namespace !== (object.metadata?.namespace ?? '')) return false;
  if (selector.name !== undefined && !new RegExp(`^(?:${selector.name})$`).test(object.metadata?.name ?? ''))
    return false;
  if (selector.labelSelector && !matchesLabels(selector.labelSelector, object.metadata?.labels ?? {})) return false;
  if (selector.annotationSelector && !matchesLabels(selector.annotationSelector, object.metadata?.annotations ?? {}))
    return false;
  return true;
}

/** Label-selector expressions: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, comma-separated. */
function matchesLabels(selector: string, labels: Readonly<Record<string, string>>): boolean {
  const requirements = selector.match(/[^,()]+(?:\([^)]*\))?/g) ?? [];
  return requirements.every((raw) => {
    const requirement = raw.trim();
    const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(requirement);
    if (set) {
      const values = (set[3] ?? '').split(',').map((value) => value.trim());
      const present = set[1] !== undefined && set[1] in labels && values.includes(labels[set[1]] ?? '');
      return set[2] === 'in' ? present : !present;
    }
    const inequality = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(requirement);
    if (inequality) return labels[inequality[1] ?? ''] !== inequality[2]?.trim();
    const equality = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(requirement);
    if (equality) return labels[equality[1] ?? ''] === equality[2]?.trim();
    if (requirement.startsWith('!')) return !(requirement.slice(1) in labels);
    return requirement in labels;
  });
}
