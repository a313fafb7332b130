// Image references: `oci://host/repo:tag`, `host/repo@sha256:…`, and Docker Hub short names (`nginx` → library/nginx).
import { RegistryError } from './registry-error.ts';

export const dockerHubRegistry = 'docker.io';
/** The host Docker Hub's API answers on; `docker.io` itself only redirects. */
export const dockerHubApiHost = 'registry-1.docker.io';

export interface ImageReference {
  /** The registry as written (`docker.io` for Hub names), host[:port]. */
  registry: string;
  /** The repository path inside the registry, e.g. `library/nginx`. */
  repository: string;
  tag?: string;
  /** `sha256:<hex>` when the reference pins a digest. */
  digest?: string;
}

const repositoryPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;

/** True when the first path component names a registry host rather than a Docker Hub namespace. */
function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** Parses `oci://…` or a plain image name; neither tag nor digest is defaulted (see `withDefaultTag`). */
export function parseImageReference(input: string): ImageReference {
  const fail = (why: string): never => {
    throw new RegistryError('InvalidReference', `invalid OCI reference '${input}': ${why}`, { url: input });
  };
  let rest = input.trim();
  if (rest.startsWith('oci://')) rest = rest.slice('oci://'.length);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) fail('the scheme must be oci://');
  if (!rest) fail('it is empty');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) fail(`'${digest}' is not a sha256 or sha512 digest`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!tagPattern.test(tag)) fail(`'${tag}' is not a valid tag`);
  }
  const slash = rest.indexOf('/');
  let registry = dockerHubRegistry;
  let repository = rest;
  if (slash >= 0 && looksLikeHost(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    repository = rest.slice(slash + 1);
  } else if (slash < 0 && looksLikeHost(rest) && input.startsWith('oci://')) {
    fail('it names a registry but no repository');
  }
  if (registry === 'index.docker.io') registry = dockerHubRegistry;
  if (registry === dockerHubRegistry && !repository.includes('/')) repository = `library/${repository}`;
  if (!repositoryPattern.test(repository))
    fail(`'${repository}' is not a valid repository name (lowercase, digits, separators)`);
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The reference with `latest` when it names neither tag nor digest, as docker and Flux do. */
export function withDefaultTag(reference: ImageReference): ImageReference {
  return reference.tag || reference.digest ? reference : { ...reference, tag: 'latest' };
}

/** The host the registry API is reached on. */
export function apiHostOf(registry: string): string {
  return registry === dockerHubRegistry ? dockerHubApiHost : registry;
}

export function formatImageReference(reference: ImageReference): string {
  const base = `${reference.registry}/${reference.repository}`;
  return `${base}${reference.tag ? `:${reference.tag}` : ''}${reference.digest ? `@${reference.digest}` : ''}`;
}
