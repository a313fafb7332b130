// `spec.policySelector`: which ImagePolicies of the automation's namespace apply, and the images they chose.
import type { ImagePolicy, ImageRef, LabelSelector } from '@fluxion/api';
import type { PolicyImages } from './setters.ts';

export class PolicySelectorError extends Error {
  readonly reason = 'InvalidPolicySelector';
  constructor(message: string) {
    super(message);
    this.name = 'PolicySelectorError';
  }
}

export type LabelMatcher = (labels: Record<string, string>) => boolean;

/** A matcher for a metav1.LabelSelector; an absent or empty selector matches everything. */
export function labelMatcher(selector: LabelSelector | undefined): LabelMatcher {
  const requirements: LabelMatcher[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    checkKey(key, 'matchLabels');
    requirements.push((labels) => labels[key] === value);
  }
  for (const [index, expression] of (selector?.matchExpressions ?? []).entries()) {
    const field = `spec.policySelector.matchExpressions[${index}]`;
    checkKey(expression.key, field);
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0)
          throw new PolicySelectorError(`${field}: operator ${expression.operator} needs values`);
        requirements.push(
          expression.operator === 'In'
            ? (labels) => expression.key in labels && values.includes(labels[expression.key]!)
            : (labels) => !(expression.key in labels) || !values.includes(labels[expression.key]!),
        );
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0)
          throw new PolicySelectorError(`${field}: operator ${expression.operator} takes no values`);
        requirements.push(
          expression.operator === 'Exists'
            ? (labels) => expression.key in labels
            : (labels) => !(expression.key in labels),
        );
        break;
      default:
        throw new PolicySelectorError(
          `${field}: '${expression.operator}' is not a valid operator (In, NotIn, Exists, DoesNotExist)`,
        );
    }
  }
  return (labels) => requirements.every((requirement) => requirement(labels));
}

// A qualified name: an optional DNS prefix and a name of at most 63 characters.
const labelKey =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

function checkKey(key: string, field: string): void {
  if (!labelKey.test(key) || key.split('/')[0]!.length > 253)
    throw new PolicySelectorError(`spec.policySelector ${field}: '${key}' is not a valid label key`);
}

export interface SelectedPolicies {
  /** For the setters: `<namespace>:<name>` → latest image (undefined while the policy has none). */
  images: PolicyImages;
  /** `status.observedPolicies`: policy name → latest image, for the policies that have one. */
  observed: Record<string, ImageRef>;
}

export function selectPolicies(
  policies: readonly ImagePolicy[],
  namespace: string,
  matches: LabelMatcher,
): SelectedPolicies {
  const images = new Map<string, ImageRef | undefined>();
  const observed: Record<string, ImageRef> = {};
  const selected = policies
    .filter((policy) => policy.metadata?.namespace === namespace && matches(policy.metadata?.labels ?? {}))
    .sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
  for (const policy of selected) {
    const name = policy.metadata?.name ?? '';
    const latest = policy.status?.latestRef;
    const usable =
      latest?.name && latest.tag
        ? { name: latest.name, tag: latest.tag, ...(latest.digest ? { digest: latest.digest } : {}) }
        : undefined;
    images.set(`${namespace}:${name}`, usable);
    if (usable) observed[name] = usable;
  }
  return { images, observed };
}
