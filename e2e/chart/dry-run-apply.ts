// Server-side apply with dryRun=All: the real API server validates and defaults every object, and stores nothing.
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

export interface Rejection {
  object: string;
  message: string;
}

export interface DryRunResult {
  accepted: KubernetesObject[];
  rejected: Rejection[];
}

export async function dryRunApply(kubeConfig: KubeConfig, objects: readonly KubernetesObject[]): Promise<DryRunResult> {
  const api = KubernetesObjectApi.makeApiClient(kubeConfig);
  const result: DryRunResult = { accepted: [], rejected: [] };
  for (const object of objects) {
    try {
      result.accepted.push(await api.patch(object, undefined, 'All', 'fluxion-chart-test', true, PatchStrategy.ServerSideApply));
    } catch (error) {
      result.rejected.push({ object: `${object.kind}/${object.metadata?.name}`, message: rejectionMessage(error) });
    }
  }
  return result;
}

function rejectionMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      return body;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
