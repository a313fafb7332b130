// The client a Kustomization applies with: this cluster or the one in its kubeConfig Secret, as its ServiceAccount.
import type { V1Secret } from '@kubernetes/client-node';
import type { Kustomization } from '@fluxion/api';
import { clientFromKubeconfigString, isNotFound, type KubeClient } from '@fluxion/runtime';

/** The kubeConfig or ServiceAccount the spec names cannot be used; the message names the Secret or field to fix. */
export class ClusterAccessError extends Error {
  override readonly name = 'ClusterAccessError';
  readonly reason = 'ReconciliationFailed';
}

export interface ClusterClientsOptions {
  /** `--default-service-account`: impersonated when spec.serviceAccountName is empty. */
  defaultServiceAccount: string;
  qps?: number;
  burst?: number;
}

export class ClusterClients {
  private readonly local: KubeClient;
  private readonly options: ClusterClientsOptions;
  /** Remote clients by `Secret namespace/name/key@resourceVersion`, so discovery is not repeated every reconcile. */
  private readonly remote = new Map<string, KubeClient>();
  private readonly impersonated = new Map<string, KubeClient>();

  constructor(local: KubeClient, options: ClusterClientsOptions) {
    this.local = local;
    this.options = options;
  }

  /** The client to apply, prune and wait with; reads of sources and Secrets stay on the controller's own client. */
  async forKustomization(kustomization: Kustomization): Promise<KubeClient> {
    const namespace = kustomization.metadata?.namespace ?? '';
    const base = kustomization.spec?.kubeConfig ? await this.remoteClient(kustomization) : this.local;
    const serviceAccount = kustomization.spec?.serviceAccountName || this.options.defaultServiceAccount;
    if (!serviceAccount) return base;
    const key = `${base === this.local ? 'local' : 'remote'}|${namespace}/${serviceAccount}|${[...this.remote].find(([, client]) => client === base)?.[0] ?? ''}`;
    let client = this.impersonated.get(key);
    if (!client) {
      client = base.impersonateServiceAccount(namespace, serviceAccount);
      this.impersonated.set(key, client);
    }
    return client;
  }

  private async remoteClient(kustomization: Kustomization): Promise<KubeClient> {
    const namespace = kustomization.metadata?.namespace ?? '';
    const reference = kustomization.spec?.kubeConfig;
    if (reference?.configMapRef) {
      throw new ClusterAccessError(
        'spec.kubeConfig.configMapRef (workload identity for a remote cluster) is not supported yet; use spec.kubeConfig.secretRef',
      );
    }
    const secretRef = reference?.secretRef;
    if (!secretRef) throw new ClusterAccessError('spec.kubeConfig names neither a secretRef nor a configMapRef');
    let secret: V1Secret;
    try {
      secret = await this.local.get<V1Secret>({ apiVersion: 'v1', kind: 'Secret', namespace, name: secretRef.name });
    } catch (error) {
      if (isNotFound(error))
        throw new ClusterAccessError(`kubeconfig Secret '${namespace}/${secretRef.name}' not found`);
      throw error;
    }
    const keys = secretRef.key ? [secretRef.key] : ['value', 'value.yaml'];
    const found = keys.find((key) => secret.data?.[key] !== undefined);
    if (!found)
      throw new ClusterAccessError(
        `kubeconfig Secret '${namespace}/${secretRef.name}' has no key ${keys.map((key) => `'${key}'`).join(' or ')}`,
      );
    const cacheKey = `${namespace}/${secretRef.name}/${found}@${secret.metadata?.resourceVersion ?? ''}`;
    let client = this.remote.get(cacheKey);
    if (!client) {
      const text = Buffer.from(secret.data?.[found] ?? '', 'base64').toString('utf8');
      try {
        client = clientFromKubeconfigString(text, {
          origin: `Secret/${namespace}/${secretRef.name}`,
          ...(this.options.qps ? { qps: this.options.qps } : {}),
          ...(this.options.burst ? { burst: this.options.burst } : {}),
        });
      } catch (error) {
        throw new ClusterAccessError(
          `kubeconfig in Secret '${namespace}/${secretRef.name}' key '${found}' is not usable: ${(error as Error).message}`,
        );
      }
      for (const key of this.remote.keys())
        if (key.startsWith(`${namespace}/${secretRef.name}/`)) this.remote.delete(key);
      this.remote.set(cacheKey, client);
    }
    return client;
  }
}
