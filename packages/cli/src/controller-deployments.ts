// Fluxion's (or Flux's) controller Deployments in a cluster, found by the name of the controller they run.
import type { KubeClient } from '@fluxion/runtime/client';
import type { Controller } from './flux-kinds.ts';

export const controllerNames: readonly Controller[] = [
  'source-controller',
  'kustomize-controller',
  'helm-controller',
  'notification-controller',
  'image-reflector-controller',
  'image-automation-controller',
];

export interface ControllerDeployment {
  controller: Controller;
  namespace: string;
  name: string;
  image: string;
  ready: boolean;
  message: string;
  /** Labels selecting its pods, for `logs`. */
  selector: Record<string, string>;
}

interface Deployment {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { spec?: { containers?: Array<{ image?: string }> } };
  };
  status?: { readyReplicas?: number; updatedReplicas?: number; replicas?: number; observedGeneration?: number };
}

/** One list of Deployments (in `namespace`, or everywhere) matched by name or app.kubernetes.io/component. */
export async function findControllerDeployments(
  client: KubeClient,
  namespace: string | undefined,
): Promise<ControllerDeployment[]> {
  const { items } = await client.list<Deployment>({ group: 'apps', version: 'v1', kind: 'Deployment' }, { namespace });
  const found: ControllerDeployment[] = [];
  for (const deployment of items) {
    const name = deployment.metadata?.name ?? '';
    const labels = deployment.metadata?.labels ?? {};
    const controller = controllerNames.find(
      (candidate) =>
        name === candidate ||
        name.endsWith(`-${candidate}`) ||
        labels['app.kubernetes.io/component'] === candidate ||
        labels['app'] === candidate,
    );
    if (!controller) continue;
    const wanted = deployment.spec?.replicas ?? 1;
    const ready = deployment.status?.readyReplicas ?? 0;
    found.push({
      controller,
      namespace: deployment.metadata?.namespace ?? '',
      name,
      image: deployment.spec?.template?.spec?.containers?.[0]?.image ?? '',
      ready: ready >= wanted,
      message: `${ready}/${wanted} replicas ready`,
      selector: deployment.spec?.selector?.matchLabels ?? {},
    });
  }
  return found;
}
