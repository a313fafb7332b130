// Reads the Secrets an object names for git (`spec.secretRef`, `spec.proxySecretRef`: Flux's GitRepository keys) into
// credentials, TLS material and a proxy; a missing Secret or key is an error naming it, never a silent anonymous fetch.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from '../client.ts';
import type { GitCredentials, GitProxy, GitTlsMaterial } from './git-transport.ts';

export interface GitAccess {
  credentials?: GitCredentials;
  tls?: GitTlsMaterial;
  proxy?: GitProxy;
}

export class SecretError extends Error {
  readonly reason = 'AuthenticationFailed';
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

interface SecretObject extends KubernetesObject {
  data?: Record<string, string>;
}

export async function resolveGitAccess(
  client: KubeClient,
  namespace: string,
  refs: { secretRef?: { name: string } | undefined; proxySecretRef?: { name: string } | undefined },
): Promise<GitAccess> {
  const access: GitAccess = {};
  if (refs.secretRef?.name) {
    const data = await readSecret(client, namespace, refs.secretRef.name, 'spec.secretRef');
    const credentials = credentialsFrom(data, `${namespace}/${refs.secretRef.name}`);
    if (credentials) access.credentials = credentials;
    const tls = tlsFrom(data);
    if (tls) access.tls = tls;
  }
  if (refs.proxySecretRef?.name) {
    const data = await readSecret(client, namespace, refs.proxySecretRef.name, 'spec.proxySecretRef');
    const address = data.get('address');
    if (!address)
      throw new SecretError(
        `invalid proxy secret '${namespace}/${refs.proxySecretRef.name}': key 'address' is missing`,
      );
    access.proxy = {
      address,
      ...optional('username', data.get('username')),
      ...optional('password', data.get('password')),
    };
  }
  return access;
}

/** A Secret's data, decoded; a missing Secret is a SecretError naming it and the field that refers to it. */
export async function readSecret(
  client: KubeClient,
  namespace: string,
  name: string,
  field: string,
): Promise<Map<string, string>> {
  let secret: SecretObject | undefined;
  try {
    secret = await client.getIfExists<SecretObject>({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  } catch (error) {
    throw new SecretError(
      `failed to get secret '${namespace}/${name}' (${field}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!secret) throw new SecretError(`failed to get secret '${namespace}/${name}' (${field}): secret not found`);
  const data = new Map<string, string>();
  for (const [key, value] of Object.entries(secret.data ?? {}))
    data.set(key, Buffer.from(value, 'base64').toString('utf8'));
  return data;
}

// The keys Flux documents, in its order of preference: SSH identity, bearer token, username/password.
function credentialsFrom(data: Map<string, string>, secretName: string): GitCredentials | undefined {
  const identity = data.get('identity');
  if (identity) {
    return {
      kind: 'ssh',
      identity,
      knownHosts: data.get('known_hosts') ?? '',
      ...optional('password', data.get('password')),
    };
  }
  const bearerToken = data.get('bearerToken');
  if (bearerToken) return { kind: 'bearer', bearerToken };
  const username = data.get('username');
  const password = data.get('password');
  if (username !== undefined || password !== undefined) {
    if (!username) throw new SecretError(`invalid secret '${secretName}': 'password' is set but 'username' is missing`);
    return { kind: 'basic', username, password: password ?? '' };
  }
  return undefined;
}

function tlsFrom(data: Map<string, string>): GitTlsMaterial | undefined {
  const caCert = data.get('ca.crt') ?? data.get('caFile');
  const clientCert = data.get('tls.crt');
  const clientKey = data.get('tls.key');
  if (!caCert && !clientCert && !clientKey) return undefined;
  return { ...optional('caCert', caCert), ...optional('clientCert', clientCert), ...optional('clientKey', clientKey) };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };
}
