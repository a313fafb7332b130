// Cross-namespace references to an ImageRepository: allowed only when its spec.accessFrom selects the
// referring namespace's labels (or with --no-cross-namespace-refs, never).
import type { AccessFrom } from '@fluxion/api';

/** True when `labels` (of the referring namespace) satisfy any of the selectors. */
export function accessFromAllows(
  accessFrom: AccessFrom | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (!accessFrom) return false;
  return accessFrom.namespaceSelectors.some((selector) =>
    Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value),
  );
}
