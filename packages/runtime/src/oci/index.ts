// The OCI registry client: references, credentials, manifests, tags and blobs; it knows nothing of GitOps.
export {
  parseImageReference,
  withDefaultTag,
  formatImageReference,
  apiHostOf,
  dockerHubRegistry,
  dockerHubApiHost,
} from './reference.ts';
export type { ImageReference } from './reference.ts';
export { parseDockerConfigJson, credentialsFor, mergeDockerConfigs, normalizeRegistryKey } from './docker-config.ts';
export type { RegistryCredentials, DockerConfigAuths } from './docker-config.ts';
export { RegistryError, isRegistryError } from './registry-error.ts';
export type { RegistryErrorCode } from './registry-error.ts';
export { RegistryClient, nextLink } from './registry-client.ts';
export type { RegistryClientOptions, RegistryTlsOptions, FetchedManifest } from './registry-client.ts';
export { parseManifest, isImageIndex } from './manifest.ts';
export type { Descriptor, ImageManifest, ImageIndex, Manifest } from './manifest.ts';
export { DigestVerifier, digestOf } from './digest-verifier.ts';
export { parseWwwAuthenticate } from './www-authenticate.ts';
export type { AuthChallenge } from './www-authenticate.ts';
export { retryAfterMs } from './registry-transport.ts';
export * as ociMediaTypes from './media-types.ts';
