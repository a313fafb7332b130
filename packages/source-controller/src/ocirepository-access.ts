// The registry client options an OCIRepository asks for: credentials from spec.secretRef and the ServiceAccount's
// imagePullSecrets (kubernetes.io/dockerconfigjson), TLS from spec.certSecretRef, plain HTTP for spec.insecure.
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  credentialsFor,
  type DockerConfigAuths,
  type KubeClient,
  mergeDockerConfigs,
  parseDockerConfigJson,
  RegistryError,
  type RegistryClientOptions,
} from '@fluxion/runtime';
import { readSecret, SecretError } from './git-secrets.ts';
import type { OCIRepositoryPlan } from './ocirepository-spec.ts';

interface ServiceAccountObject extends KubernetesObject {
  imagePullSecrets?: { name?: string }[];
}

export async function resolveRegistryAccess(client: KubeClient, namespace: string, plan: OCIRepositoryPlan): Promise<RegistryClientOptions> {
  const configs: DockerConfigAuths[] = [];
  if (plan.secretName) configs.push(await dockerConfigOf(client, namespace, plan.secretName, 'spec.secretRef'));
  if (plan.serviceAccountName) {
    const account = await client.getIfExists<ServiceAccountObject>({ apiVersion: 'v1', kind: 'ServiceAccount', namespace, name: plan.serviceAccountName });
    if (!account) throw new SecretError(`failed to get serviceaccount '${namespace}/${plan.serviceAccountName}' (spec.serviceAccountName): not found`);
    for (const pullSecret of account.imagePullSecrets ?? []) {
      if (pullSecret.name) configs.push(await dockerConfigOf(client, namespace, pullSecret.name, `imagePullSecrets of serviceaccount '${plan.serviceAccountName}'`));
    }
  }
  const credentials = credentialsFor(mergeDockerConfigs(configs), plan.image.registry);
  const options: RegistryClientOptions = {
    registry: plan.image.registry,
    insecure: plan.insecure,
    timeoutMs: plan.timeoutMs,
    userAgent: 'fluxion-source-controller',
    ...(credentials ? { credentials } : {}),
  };
  if (plan.certSecretName) {
    const data = await readSecret(client, namespace, plan.certSecretName, 'spec.certSecretRef');
    const ca = data.get('ca.crt');
    const cert = data.get('tls.crt');
    const key = data.get('tls.key');
    if ((cert && !key) || (key && !cert)) {
      throw new SecretError(`invalid secret '${namespace}/${plan.certSecretName}' (spec.certSecretRef): tls.crt and tls.key must be set together`);
    }
    if (!ca && !cert) throw new SecretError(`invalid secret '${namespace}/${plan.certSecretName}' (spec.certSecretRef): neither ca.crt nor tls.crt/tls.key is set`);
    options.tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  }
  return options;
}

async function dockerConfigOf(client: KubeClient, namespace: string, name: string, field: string): Promise<DockerConfigAuths> {
  const data = await readSecret(client, namespace, name, field);
  const content = data.get('.dockerconfigjson') ?? data.get('.dockercfg');
  if (content === undefined) throw new SecretError(`invalid secret '${namespace}/${name}' (${field}): no .dockerconfigjson key (type kubernetes.io/dockerconfigjson)`);
  try {
    // an old .dockercfg is the auths object itself
    return parseDockerConfigJson(data.has('.dockerconfigjson') ? content : `{"auths":${content}}`, `secret '${namespace}/${name}' (${field})`);
  } catch (error) {
    if (error instanceof RegistryError) throw new SecretError(error.message);
    throw error;
  }
}
