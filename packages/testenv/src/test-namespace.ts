// What a test file asks for: the run's shared control plane and a namespace of its own.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { TestEnvError } from './errors.ts';

/** Set by the vitest global setup (or by hand, to reuse `make cluster`). */
export const KUBECONFIG_ENV = 'FLUXION_TESTENV_KUBECONFIG';
/** Labels every namespace of one test run, so the run's teardown can remove them from a reused cluster. */
export const RUN_ENV = 'FLUXION_TESTENV_RUN';
export const RUN_LABEL = 'fluxion.dev/test-run';

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

/**
 * Creates a namespace for the calling test file (call it in `beforeAll`). The run's global teardown
 * removes the run's namespaces from a reused cluster; an ephemeral control plane just goes away.
 */
export async function useTestNamespace(prefix = 't'): Promise<TestNamespace> {
  const kubeconfigPath = sharedKubeconfigPath();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const namespace = `${prefix}-${randomBytes(4).toString('hex')}`;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const labels = { 'fluxion.dev/test': 'true', [RUN_LABEL]: process.env[RUN_ENV] ?? 'manual' };
  await core.createNamespace({ body: { metadata: { name: namespace, labels } } });
  return { kubeConfig, kubeconfigPath, namespace };
}

/** Deletes the namespaces one test run created (used when the run reused a developer's cluster). */
export async function deleteRunNamespaces(kubeconfigPath: string, runId: string): Promise<number> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const { items } = await core.listNamespace({ labelSelector: `${RUN_LABEL}=${runId}` });
  await Promise.all(items.map((ns) => core.deleteNamespace({ name: ns.metadata?.name ?? '' }).catch(() => undefined)));
  return items.length;
}
