// The Secrets an ImageRepository names, read into what a registry client needs: a login from spec.secretRef (or
// the ServiceAccount's imagePullSecrets), TLS from spec.certSecretRef, a proxy from spec.proxySecretRef. Messages name the Secret and key, never a value.
import { ImageReason } from '@fluxion/api';
import {
  credentialsFor,
  type DockerConfigAuths,
  isNotFound,
  isRegistryError,
  type KubeClient,
  mergeDockerConfigs,
  parseDockerConfigJson,
} from '@fluxion/runtime';
import { ImageError } from './image-error.ts';
import type { ImageRepositoryPlan } from './imagerepository-spec.ts';
import type { RegistryAccess } from './registry.ts';

interface SecretObject {
  type?: string;
  data?: Record<string, string>;
}

interface ServiceAccountObject {
  imagePullSecrets?: { name?: string }[];
}

export async function resolveRegistryAccess(
  client: KubeClient,
  namespace: string,
  plan: ImageRepositoryPlan,
): Promise<RegistryAccess> {
  const access: RegistryAccess = { insecure: plan.insecure };
  if (plan.proxySecretName) access.proxy = await proxyOf(client, namespace, plan.proxySecretName);
  const configs: DockerConfigAuths[] = [];
  if (plan.secretName) {
    configs.push(await dockerConfigOf(client, namespace, plan.secretName, 'spec.secretRef', true));
  }
  if (plan.serviceAccountName) {
    const account = await read<ServiceAccountObject>(
      client,
      'ServiceAccount',
      namespace,
      plan.serviceAccountName,
      'spec.serviceAccountName',
    );
    for (const pullSecret of account.imagePullSecrets ?? []) {
      if (!pullSecret.name) continue;
      const field = `imagePullSecrets of ServiceAccount ${namespace}/${plan.serviceAccountName}`;
      configs.push(await dockerConfigOf(client, namespace, pullSecret.name, field, false));
    }
  }
  if (configs.length > 0) {
    const credentials = credentialsFor(mergeDockerConfigs(configs), plan.image.registry);
    if (credentials) access.credentials = credentials;
    else if (plan.secretName) {
      throw new ImageError(
        ImageReason.AuthenticationFailed,
        `Secret ${namespace}/${plan.secretName} (spec.secretRef) has no login for registry ${plan.image.registry}`,
      );
    }
  }
  if (plan.certSecretName) access.tls = await tlsOf(client, namespace, plan.certSecretName);
  return access;
}

async function dockerConfigOf(
  client: KubeClient,
  namespace: string,
  name: string,
  field: string,
  required: boolean,
): Promise<DockerConfigAuths> {
  const secret = await read<SecretObject>(client, 'Secret', namespace, name, field, required);
  const source = `Secret ${namespace}/${name} (${field})`;
  const encoded = secret.data?.['.dockerconfigjson'];
  if (encoded === undefined) {
    if (!required) return new Map();
    throw new ImageError(
      ImageReason.AuthenticationFailed,
      `${source} has no .dockerconfigjson key: create it with type kubernetes.io/dockerconfigjson (kubectl create secret docker-registry)`,
    );
  }
  try {
    return parseDockerConfigJson(Buffer.from(encoded, 'base64'), source);
  } catch (error) {
    if (!isRegistryError(error)) throw error;
    throw new ImageError(ImageReason.AuthenticationFailed, error.message);
  }
}

async function tlsOf(client: KubeClient, namespace: string, name: string): Promise<NonNullable<RegistryAccess['tls']>> {
  const secret = await read<SecretObject>(client, 'Secret', namespace, name, 'spec.certSecretRef');
  const value = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      const encoded = secret.data?.[key];
      if (encoded !== undefined) return Buffer.from(encoded, 'base64').toString('utf8');
    }
    return undefined;
  };
  // caFile, certFile and keyFile are Flux's deprecated spellings, still read.
  const ca = value('ca.crt', 'caFile');
  const cert = value('tls.crt', 'certFile');
  const key = value('tls.key', 'keyFile');
  const source = `Secret ${namespace}/${name} (spec.certSecretRef)`;
  if ((cert === undefined) !== (key === undefined)) {
    throw new ImageError(
      ImageReason.AuthenticationFailed,
      `${source} must hold tls.crt and tls.key together for a client certificate`,
    );
  }
  if (ca === undefined && cert === undefined) {
    throw new ImageError(ImageReason.AuthenticationFailed, `${source} has none of ca.crt, tls.crt and tls.key`);
  }
  return {
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
  };
}

async function proxyOf(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<NonNullable<RegistryAccess['proxy']>> {
  const secret = await read<SecretObject>(client, 'Secret', namespace, name, 'spec.proxySecretRef');
  const value = (key: string): string | undefined => {
    const encoded = secret.data?.[key];
    return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
  };
  const address = value('address');
  if (!address)
    throw new ImageError(ImageReason.Failure, `Secret ${namespace}/${name} (spec.proxySecretRef) has no 'address' key`);
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ImageError(
      ImageReason.Failure,
      `Secret ${namespace}/${name} (spec.proxySecretRef): 'address' is not a URL`,
    );
  }
  url.username = encodeURIComponent(value('username') ?? '');
  url.password = encodeURIComponent(value('password') ?? '');
  return url.toString();
}

async function read<T>(
  client: KubeClient,
  kind: string,
  namespace: string,
  name: string,
  field: string,
  required = true,
): Promise<T> {
  try {
    return await client.get<T & { metadata?: object }>({ apiVersion: 'v1', kind, namespace, name });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    if (!required) return {} as T;
    throw new ImageError(ImageReason.AuthenticationFailed, `${kind} ${namespace}/${name} (${field}) not found`);
  }
}
