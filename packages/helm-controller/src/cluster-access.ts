// The cluster a HelmRelease acts on and as whom: this one or its kubeConfig Secret's, as its ServiceAccount.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HelmRelease } from '@fluxion/api';
import { clientFromKubeconfigString, isNotFound, type KubeClient } from '@fluxion/runtime';

export class ClusterAccessError extends Error {
  override readonly name = 'ClusterAccessError';
  readonly reason = 'InitFailed';
}

export interface ClusterAccess {
  /** Reads the release storage and waits for health, with the identity helm acts with. */
  client: KubeClient;
  /** helm's global flags for the same cluster and identity. */
  helmArgs: string[];
  /** Removes the kubeconfig file written for helm, if any. */
  cleanup(): Promise<void>;
}

export async function clusterAccessFor(
  local: KubeClient,
  hr: HelmRelease,
  defaultServiceAccount: string,
): Promise<ClusterAccess> {
  const namespace = hr.metadata?.namespace ?? '';
  const serviceAccount = hr.spec?.serviceAccountName || defaultServiceAccount;
  const helmArgs: string[] = [];
  let client = local;
  let cleanup = async () => {};
  const reference = hr.spec?.kubeConfig;
  if (reference) {
    if (reference.configMapRef || !reference.secretRef)
      throw new ClusterAccessError(
        'spec.kubeConfig.configMapRef (workload identity) is not supported yet; use spec.kubeConfig.secretRef',
      );
    const secretName = reference.secretRef.name;
    let secret: { kind?: string; data?: Record<string, string> };
    try {
      secret = await local.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: secretName });
    } catch (error) {
      if (isNotFound(error))
        throw new ClusterAccessError(
          `kubeconfig Secret '${namespace}/${secretName}' (spec.kubeConfig.secretRef) not found`,
        );
      throw error;
    }
    const key = reference.secretRef.key || (secret.data?.['value'] ? 'value' : 'value.yaml');
    const encoded = secret.data?.[key];
    if (!encoded) throw new ClusterAccessError(`kubeconfig Secret '${namespace}/${secretName}' has no key '${key}'`);
    const text = Buffer.from(encoded, 'base64').toString('utf8');
    client = clientFromKubeconfigString(text, { origin: `Secret ${namespace}/${secretName}` });
    const dir = await mkdtemp(join(tmpdir(), 'helm-kubeconfig-'));
    await writeFile(join(dir, 'kubeconfig'), text, { mode: 0o600 });
    helmArgs.push('--kubeconfig', join(dir, 'kubeconfig'));
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
  if (serviceAccount) {
    client = client.impersonateServiceAccount(namespace, serviceAccount);
    helmArgs.push('--kube-as-user', `system:serviceaccount:${namespace}:${serviceAccount}`);
  }
  return { client, helmArgs, cleanup };
}
