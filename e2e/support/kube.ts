// Small cluster helpers for the demo and the e2e scenarios: apply, read, annotate, as a user would.
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';

export interface Cluster {
  kubeConfig: KubeConfig;
  objects: KubernetesObjectApi;
}

export function connect(kubeconfigPath: string): Cluster {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  return { kubeConfig, objects: KubernetesObjectApi.makeApiClient(kubeConfig) };
}

export async function apply(cluster: Cluster, objects: object[], fieldManager = 'fluxion-demo'): Promise<void> {
  for (const object of objects) {
    await cluster.objects.patch(
      object as KubernetesObject,
      undefined,
      undefined,
      fieldManager,
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}

export async function read<T extends KubernetesObject>(
  cluster: Cluster,
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
): Promise<T | undefined> {
  try {
    return (await cluster.objects.read({
      apiVersion,
      kind,
      metadata: { name, ...(namespace ? { namespace } : {}) },
    })) as T;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

/** What `flux reconcile` does: ask for a reconcile now by setting reconcile.fluxcd.io/requestedAt. */
export async function requestReconcile(
  cluster: Cluster,
  apiVersion: string,
  kind: string,
  name: string,
  namespace: string,
): Promise<void> {
  await cluster.objects.patch(
    {
      apiVersion,
      kind,
      metadata: { name, namespace, annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } },
    },
    undefined,
    undefined,
    'fluxion-demo',
    undefined,
    PatchStrategy.MergePatch,
  );
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function conditionOf(object: KubernetesObject | undefined, type: string): Condition | undefined {
  const status = (object as { status?: { conditions?: Condition[] } } | undefined)?.status;
  return status?.conditions?.find((condition) => condition.type === type);
}
