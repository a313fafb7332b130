// A readiness check that passes while the Kubernetes API server answers `/version`.
import { toRestConfig, type KubeConfigSource } from './client-node-kube-config.ts';
import type { HealthCheck } from './health-server.ts';
import { HttpTransport } from './http-transport.ts';

export function apiServerReachableCheck(kubeConfig: KubeConfigSource): HealthCheck {
  // A transport of its own, outside the client's rate limiter: a busy controller is not an unreachable API server.
  const restConfig = toRestConfig(kubeConfig);
  const transport = new HttpTransport(restConfig, { userAgent: 'fluxion-runtime-readyz', requestTimeoutMs: 10_000 });
  return async () => {
    try {
      await transport.requestJson({ method: 'GET', path: '/version', headerTimeoutMs: 10_000 });
    } catch (error) {
      throw new Error(
        `${restConfig.server.replace(/\/$/, '')}/version: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
}
