// What a valid Receiver call does: set reconcile.fluxcd.io/requestedAt on each target, so its controller reconciles
// now instead of at its interval. Targets by name, or '*' with matchLabels.
import type { CrossNamespaceObjectReference, Receiver } from '@fluxion/api';
import { ReconcileRequestAnnotation } from '@fluxion/api';
import type { KubeClient } from '@fluxion/runtime';
import { isNotFound } from '@fluxion/runtime';
import type { KubernetesObject } from '@kubernetes/client-node';
import { apiVersionOf } from '../toolkit-kinds.ts';

export interface ReconcileRequestResult {
  /** `Kind namespace/name` of each annotated object. */
  annotated: string[];
  /** One line per target that could not be annotated, naming it. */
  failures: string[];
}

export async function requestReconcile(
  client: KubeClient,
  receiver: Receiver,
  options: { noCrossNamespaceRefs: boolean; now?: Date },
): Promise<ReconcileRequestResult> {
  const requestedAt = (options.now ?? new Date()).toISOString();
  const receiverNamespace = receiver.metadata?.namespace ?? '';
  const result: ReconcileRequestResult = { annotated: [], failures: [] };
  for (const resource of receiver.spec?.resources ?? []) {
    const namespace = resource.namespace || receiverNamespace;
    const label = `${resource.kind} ${namespace}/${resource.name}`;
    if (options.noCrossNamespaceRefs && namespace !== receiverNamespace) {
      result.failures.push(`${label}: cross-namespace references are disabled (--no-cross-namespace-refs)`);
      continue;
    }
    const apiVersion = apiVersionOf(resource.kind, resource.apiVersion);
    if (!apiVersion) {
      result.failures.push(`${label}: no apiVersion given and none known for kind ${resource.kind}`);
      continue;
    }
    try {
      for (const name of await targetNames(client, resource, apiVersion, namespace)) {
        await client.patch(
          { apiVersion, kind: resource.kind, namespace, name },
          { metadata: { annotations: { [ReconcileRequestAnnotation]: requestedAt } } },
          'merge',
        );
        result.annotated.push(`${resource.kind} ${namespace}/${name}`);
      }
    } catch (error) {
      result.failures.push(
        `${label}: ${isNotFound(error) ? 'not found' : error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return result;
}

async function targetNames(
  client: KubeClient,
  resource: CrossNamespaceObjectReference,
  apiVersion: string,
  namespace: string,
): Promise<string[]> {
  if (resource.name !== '*') return [resource.name];
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const labelSelector = Object.entries(resource.matchLabels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const listed = await client.list<KubernetesObject>(
    { group: group ?? '', version: version ?? '', kind: resource.kind },
    { namespace, ...(labelSelector ? { labelSelector } : {}) },
  );
  return listed.items.map((item) => item.metadata?.name ?? '').filter(Boolean);
}
