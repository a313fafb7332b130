// Server-side apply with dryRun=All and strict field validation: the real API server validates and
// defaults every object, refuses fields it does not know, and stores nothing.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { createClient, KubeApiError } from '@fluxion/runtime';

export interface Rejection {
  object: string;
  message: string;
}

export interface DryRunResult {
  accepted: KubernetesObject[];
  rejected: Rejection[];
}

export async function dryRunApply(kubeConfig: KubeConfig, objects: readonly KubernetesObject[]): Promise<DryRunResult> {
  const client = createClient({ kubeConfig });
  const result: DryRunResult = { accepted: [], rejected: [] };
  for (const object of objects) {
    const id = `${object.kind}/${object.metadata?.name}`;
    try {
      const path = await client.objectPath({
        apiVersion: object.apiVersion ?? '',
        kind: object.kind ?? '',
        name: object.metadata?.name ?? '',
        ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
      });
      const applied = await client.transport.requestJson<KubernetesObject>({
        method: 'PATCH',
        path,
        body: object,
        contentType: 'application/apply-patch+yaml',
        // Without Strict, an apply with an unknown field is accepted with only a warning.
        query: { dryRun: 'All', fieldManager: 'fluxion-chart-test', force: true, fieldValidation: 'Strict' },
      });
      result.accepted.push(applied);
    } catch (error) {
      result.rejected.push({
        object: id,
        message: error instanceof KubeApiError ? error.serverMessage : String(error),
      });
    }
  }
  return result;
}
