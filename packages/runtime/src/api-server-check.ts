// A readiness check that passes while the Kubernetes API server answers `/version`.
import { VersionApi, type KubeConfig } from '@kubernetes/client-node';
import type { HealthCheck } from './health-server.ts';

export function apiServerReachableCheck(kubeConfig: KubeConfig): HealthCheck {
  const versionApi = kubeConfig.makeApiClient(VersionApi);
  const server = kubeConfig.getCurrentCluster()?.server ?? 'the API server';
  return async () => {
    try {
      await versionApi.getCode();
    } catch (error) {
      throw new Error(`${server}/version: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
