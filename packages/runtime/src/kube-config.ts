// Where a client's credentials come from: KUBECONFIG, the in-cluster ServiceAccount, or a kubeconfig string.
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
  readonly reason = 'InvalidKubeConfig';
}

const inClusterTokenPath = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** KUBECONFIG (or an explicit path) first, then the in-cluster config, then ~/.kube/config. */
export function loadKubeConfig(options: { kubeconfigPath?: string } = {}): KubeConfig {
  const kubeConfig = new KubeConfig();
  const path = options.kubeconfigPath ?? process.env['KUBECONFIG'];
  if (path) {
    kubeConfig.loadFromFile(path.split(':')[0] ?? path);
  } else if (process.env['KUBERNETES_SERVICE_HOST'] && existsSync(inClusterTokenPath)) {
    kubeConfig.loadFromCluster();
  } else {
    kubeConfig.loadFromDefault();
  }
  assertUsable(kubeConfig, path ?? 'the default kubeconfig');
  return kubeConfig;
}

/** For `spec.kubeConfig.secretRef`: the kubeconfig a user stored in a Secret. */
export function kubeConfigFromString(kubeconfigYaml: string, origin = 'kubeconfig string'): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromString(kubeconfigYaml);
  } catch (error) {
    throw new KubeConfigError(`${origin}: not a valid kubeconfig: ${(error as Error).message}`);
  }
  assertUsable(kubeConfig, origin);
  return kubeConfig;
}

function assertUsable(kubeConfig: KubeConfig, origin: string): void {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) {
    throw new KubeConfigError(`${origin}: current context "${kubeConfig.getCurrentContext()}" names no cluster with a server URL`);
  }
}
