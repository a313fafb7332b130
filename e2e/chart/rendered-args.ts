// The args `helm template` gives a controller's container, for running that controller as a process on this
// machine: $(VAR) expanded as the kubelet does, and only the pod-local flags (listen ports, the emptyDir path,
// the in-cluster Service name) swapped for host ones, each of which must be in what the chart rendered.
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { findObject } from './render-chart.ts';

export interface HostArgsOptions {
  /** The namespace the Pod would run in: what `fieldRef: metadata.namespace` gives. */
  namespace: string;
  /** Flag name (no dashes) to its host value, or null to drop it (e.g. the ports the process helper picks). */
  hostFlags?: Record<string, string | null>;
}

export function renderedArgs(
  objects: readonly KubernetesObject[],
  component: string,
  options: HostArgsOptions,
): string[] {
  const deployment = findObject<V1Deployment>(objects, 'Deployment', component);
  const container = deployment?.spec?.template.spec?.containers[0];
  if (!container) throw new Error(`helm template rendered no Deployment ${component} with a container`);
  const env = new Map<string, string>();
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env.set(variable.name, variable.value);
    else if (variable.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace')
      env.set(variable.name, options.namespace);
  }
  // The kubelet's expansion: $(NAME) of a defined variable is replaced; anything else is left as written.
  const expand = (arg: string) =>
    arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env.get(name) ?? whole);
  const hostFlags = new Map(Object.entries(options.hostFlags ?? {}));
  const seen = new Set<string>();
  const args = (container.args ?? []).map(expand).flatMap((arg) => {
    const name = /^--([^=]+)/.exec(arg)?.[1] ?? '';
    if (!hostFlags.has(name)) return [arg];
    seen.add(name);
    const value = hostFlags.get(name);
    return value === null || value === undefined ? [] : [`--${name}=${value}`];
  });
  const missing = [...hostFlags.keys()].filter((name) => !seen.has(name));
  if (missing.length > 0)
    throw new Error(`the chart no longer renders ${missing.map((name) => `--${name}`).join(', ')} for ${component}`);
  return args;
}
