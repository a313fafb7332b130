// Registry credentials from a `.dockerconfigjson` (the content of a kubernetes.io/dockerconfigjson Secret); pure.
import { RegistryError } from './registry-error.ts';
import { dockerHubRegistry } from './reference.ts';

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Registry host (normalized, no scheme or path) → credentials. */
export type DockerConfigAuths = ReadonlyMap<string, RegistryCredentials>;

/** `https://index.docker.io/v1/` → `docker.io`; `https://host:5000/path` → `host:5000`. */
export function normalizeRegistryKey(key: string): string {
  let host = key.trim().replace(/^[a-z]+:\/\//i, '');
  host = host.split('/')[0] ?? host;
  host = host.toLowerCase();
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'registry.hub.docker.com')
    return dockerHubRegistry;
  return host;
}

/**
 * Parses `{"auths": {"<registry>": {"auth": base64(user:pass)} | {"username", "password"}}}`.
 * `source` names the Secret (and key) in error messages; the content itself is never echoed.
 */
export function parseDockerConfigJson(content: string | Uint8Array, source: string): DockerConfigAuths {
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RegistryError('InvalidCredentials', `${source}: .dockerconfigjson is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new RegistryError('InvalidCredentials', `${source}: .dockerconfigjson is not a JSON object`);
  const auths = (parsed as { auths?: unknown }).auths;
  if (typeof auths !== 'object' || auths === null)
    throw new RegistryError('InvalidCredentials', `${source}: .dockerconfigjson has no 'auths' object`);
  const result = new Map<string, RegistryCredentials>();
  for (const [key, entry] of Object.entries(auths as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const fields = entry as Record<string, unknown>;
    let username = typeof fields['username'] === 'string' ? fields['username'] : '';
    let password = typeof fields['password'] === 'string' ? fields['password'] : '';
    if (typeof fields['auth'] === 'string' && fields['auth'] !== '') {
      const decoded = Buffer.from(fields['auth'], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0)
        throw new RegistryError(
          'InvalidCredentials',
          `${source}: the 'auth' of registry '${key}' is not base64 of user:password`,
        );
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
    if (!username && !password) continue;
    result.set(normalizeRegistryKey(key), { username, password });
  }
  return result;
}

/** The credentials for a registry host, matching docker's key spellings (scheme, /v1/, Hub aliases). */
export function credentialsFor(auths: DockerConfigAuths, registry: string): RegistryCredentials | undefined {
  return auths.get(normalizeRegistryKey(registry));
}

/** Merges several configs (a Secret and a ServiceAccount's imagePullSecrets); earlier ones win. */
export function mergeDockerConfigs(configs: readonly DockerConfigAuths[]): DockerConfigAuths {
  const merged = new Map<string, RegistryCredentials>();
  for (const config of configs)
    for (const [host, credentials] of config) if (!merged.has(host)) merged.set(host, credentials);
  return merged;
}
