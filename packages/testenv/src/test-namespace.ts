// What a test file asks for: the run's shared control plane and a namespace of its own.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { TestEnvError } from './errors.ts';

/** Set by the vitest global setup (or by hand, to reuse `make cluster`). */
export const KUBECONFIG_ENV = 'FLUXION_TESTENV_KUBECONFIG';

export interface TestNamespace {
  kubeConfig: KubeConfig;
  kubeconfigPath: string;
  namespace: string;
}

export function sharedKubeconfigPath(): string {
  const path = process.env[KUBECONFIG_ENV];
  if (!path) {
    throw new TestEnvError(
      `${KUBECONFIG_ENV} is not set: run cluster tests through vitest's 'cluster' project (its global setup starts the control plane), or point it at .fluxion/kubeconfig after 'make cluster'.`,
    );
  }
  return path;
}

/** Creates a namespace for the calling test file and removes it when the file's tests are done. */
export async function useTestNamespace(prefix = 't'): Promise<TestNamespace> {
  const kubeconfigPath = sharedKubeconfigPath();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const namespace = `${prefix}-${randomBytes(4).toString('hex')}`;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace, labels: { 'fluxion.dev/test': 'true' } } } });
  // Imported lazily so that the rest of testenv works in plain node scripts (the demo, benchmarks).
  const { afterAll } = await import('vitest');
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });
  return { kubeConfig, kubeconfigPath, namespace };
}
