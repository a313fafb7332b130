// The registry client options an OCIRepository asks for: credentials from spec.secretRef and the ServiceAccount's
// imagePullSecrets (kubernetes.io/dockerconfigjson), TLS from spec.certSecretRef, a proxy from spec.proxySecretRef,
// plain HTTP for spec.insecure.
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
import { readSecret, SecretError } from '@fluxion/runtime';
import type { OCIRepositoryPlan } from './ocirepository-spec.ts';

interface ServiceAccountObject extends KubernetesObject {
  imagePullSecrets?: { name?: string }[];
}

export async function resolveRegistryAccess(
  client: KubeClient,
  namespace: string,
  plan: OCIRepositoryPlan,
): Promise<RegistryClientOptions> {
  const configs: DockerConfigAuths[] = [];
  if (plan.secretName) configs.push(await dockerConfigOf(client, namespace, plan.secretName, 'spec.secretRef'));
  if (plan.serviceAccountName) {
    const account = await client.getIfExists<ServiceAccountObject>({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      namespace,
      name: plan.serviceAccountName,
    });
    if (!account)
      throw new SecretError(
        `failed to get serviceaccount '${namespace}/${plan.serviceAccountName}' (spec.serviceAccountName): not found`,
      );
    for (const pullSecret of account.imagePullSecrets ?? []) {
      if (pullSecret.name)
        configs.push(
          await dockerConfigOf(
            client,
            namespace,
            pullSecret.name,
            `imagePullSecrets of serviceaccount '${plan.serviceAccountName}'`,
          ),
        );
    }
  }
  const credentials = credentialsFor(mergeDockerConfigs(configs), plan.image.registry);
  const options: RegistryClientOptions = {
    registry: plan.image.registry,
    insecure: plan.insecure,
    timeoutMs: plan.timeoutMs,
    // spec.timeout bounds the whole registry conversation of one reconcile, not only each request
    signal: AbortSignal.timeout(plan.timeoutMs),
    userAgent: 'fluxion-source-controller',
    ...(credentials ? { credentials } : {}),
  };
  if (plan.certSecretName) {
    const data = await readSecret(client, namespace, plan.certSecretName, 'spec.certSecretRef');
    const ca = data.get('ca.crt');
    const cert = data.get('tls.crt');
    const key = data.get('tls.key');
    if ((cert && !key) || (key && !cert)) {
      throw new SecretError(
        `invalid secret '${namespace}/${plan.certSecretName}' (spec.certSecretRef): tls.crt and tls.key must be set together`,
      );
    }
    if (!ca && !cert)
      throw new SecretError(
        `invalid secret '${namespace}/${plan.certSecretName}' (spec.certSecretRef): neither ca.crt nor tls.crt/tls.key is set`,
      );
    options.tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  }
  if (plan.proxySecretName) options.proxy = await proxyOf(client, namespace, plan.proxySecretName);
  return options;
}

/** `address` (http://host:port) with `username`/`password` folded in, as Flux's proxy Secret has them. */
async function proxyOf(client: KubeClient, namespace: string, name: string): Promise<string> {
  const data = await readSecret(client, namespace, name, 'spec.proxySecretRef');
  const address = data.get('address');
  if (!address)
    throw new SecretError(
      `invalid proxy secret '${namespace}/${name}' (spec.proxySecretRef): key 'address' is missing`,
    );
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new SecretError(
      `invalid proxy secret '${namespace}/${name}' (spec.proxySecretRef): 'address' is not a URL such as http://proxy:3128`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SecretError(
      `invalid proxy secret '${namespace}/${name}' (spec.proxySecretRef): 'address' must be http:// or https://`,
    );
  }
  const username = data.get('username');
  if (username) {
    url.username = encodeURIComponent(username);
    url.password = encodeURIComponent(data.get('password') ?? '');
  }
  return url.toString();
}

async function dockerConfigOf(
  client: KubeClient,
  namespace: string,
  name: string,
  field: string,
): Promise<DockerConfigAuths> {
  const data = await readSecret(client, namespace, name, field);
  const content = data.get('.dockerconfigjson') ?? data.get('.dockercfg');
  if (content === undefined)
    throw new SecretError(
      `invalid secret '${namespace}/${name}' (${field}): no .dockerconfigjson key (type kubernetes.io/dockerconfigjson)`,
    );
  try {
    // an old .dockercfg is the auths object itself
    return parseDockerConfigJson(
      data.has('.dockerconfigjson') ? content : `{"auths":${content}}`,
      `secret '${namespace}/${name}' (${field})`,
    );
  } catch (error) {
    if (error instanceof RegistryError) throw new SecretError(error.message);
    throw error;
  }
}
