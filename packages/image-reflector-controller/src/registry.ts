// What the reconcilers need from a registry: the tags of a repository and the digest of one tag, reached with the
// credentials, TLS and proxy an ImageRepository names. Failures come back as ImageErrors with Flux's reasons.
import type { ImageReference } from './image-reference.ts';

export interface RegistryAccess {
  /** Registry login from spec.secretRef or the ServiceAccount's imagePullSecrets; anonymous when absent. */
  credentials?: { username: string; password: string };
  /** PEMs from spec.certSecretRef. */
  tls?: { ca?: string; cert?: string; key?: string };
  /** From spec.proxySecretRef. */
  proxy?: { address: string; username?: string; password?: string };
  /** spec.insecure: plain HTTP. */
  insecure: boolean;
}

export interface ImageRegistry {
  /** Every tag of the repository, all pages followed. */
  listTags(image: ImageReference, access: RegistryAccess, signal: AbortSignal): Promise<string[]>;
  /** `sha256:<hex>` of the tag's manifest, from a HEAD request. */
  manifestDigest(image: ImageReference, tag: string, access: RegistryAccess, signal: AbortSignal): Promise<string>;
}
