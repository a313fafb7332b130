// Generated from crds/source.toolkit.fluxcd.io/ocirepositories.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { Artifact, Condition, LocalObjectReference, OIDCIdentityMatch } from './shared.ts';

/** OCIRepository makes the content of an OCI artifact in a container registry available in the cluster as an artifact. */
export interface OCIRepository {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'OCIRepository';
  metadata?: V1ObjectMeta;
  /** Which OCI artifact to pull, how often, and how to authenticate and verify it. */
  spec?: OCIRepositorySpec;
  /**
   * What the controller last observed and produced.
   * @default {"observedGeneration":-1}
   */
  status?: OCIRepositoryStatus;
}

/** A page of OCIRepository objects, as the API server lists them. */
export interface OCIRepositoryList {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'OCIRepositoryList';
  metadata?: V1ListMeta;
  items: OCIRepository[];
}

/** Which OCI artifact to pull, how often, and how to authenticate and verify it. */
export interface OCIRepositorySpec {
  /**
   * Repository of the artifact in a registry, as oci://<host>/<path>.
   * @pattern ^oci://.*$
   */
  url: string;
  /** The tag, semver range or digest to pull; the 'latest' tag when not set. */
  ref?: OCIRepositoryRef;
  /** Which layer of the artifact to use; the first layer when not set. */
  layerSelector?: OCILayerSelector;
  /**
   * How to authenticate to the registry; 'generic' uses secretRef or the ServiceAccount's pull secrets.
   * @default "generic"
   */
  provider?: 'generic' | 'aws' | 'azure' | 'gcp';
  /** Secret of type kubernetes.io/dockerconfigjson with the registry login. */
  secretRef?: LocalObjectReference;
  /** Signature verification of the artifact. */
  verify?: OCIRepositoryVerification;
  /** ServiceAccount whose image pull secrets, or identity, are used to authenticate. */
  serviceAccountName?: string;
  /** Secret with a client certificate and key (tls.crt, tls.key) and/or a CA certificate (ca.crt) for the registry. */
  certSecretRef?: LocalObjectReference;
  /** Secret with the proxy settings to reach the registry through. */
  proxySecretRef?: LocalObjectReference;
  /**
   * How often the registry is checked for a new artifact (approximate, jittered).
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval: string;
  /**
   * Time limit for one registry operation such as a pull.
   * @default "60s"
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m))+$
   */
  timeout?: string;
  /** Exclusion patterns in .sourceignore (gitignore) syntax; replaces the default set. */
  ignore?: string;
  /** Allows a registry over plain HTTP. */
  insecure?: boolean;
  /** Stops reconciliation until set back to false. */
  suspend?: boolean;
}

/** The tag, semver range or digest to pull; the 'latest' tag when not set. */
export interface OCIRepositoryRef {
  /** Digest to pull, as sha256:<hex>; wins over semver and tag. */
  digest?: string;
  /** Semantic version range; the highest matching tag is pulled. Wins over tag. */
  semver?: string;
  /** Regular expression that tags must match to be considered for the semver range. */
  semverFilter?: string;
  /** Tag to pull; 'latest' when not set. */
  tag?: string;
}

export interface OCILayerSelector {
  /** Media type of the layer; the first layer of this type is used. */
  mediaType?: string;
  /** extract (the default) unpacks the layer into storage; copy stores the compressed layer as is. */
  operation?: 'extract' | 'copy';
}

/** Signature verification of the artifact. */
export interface OCIRepositoryVerification {
  /**
   * The signing technology.
   * @default "cosign"
   */
  provider: 'cosign' | 'notation';
  /** Secret with the trusted public keys. */
  secretRef?: LocalObjectReference;
  /** For keyless cosign signatures, the identities to accept; any match is enough. */
  matchOIDCIdentity?: OIDCIdentityMatch[];
  /** Secret with a Sigstore trusted_root.json, for self-hosted Sigstore infrastructure. */
  trustedRootSecretRef?: LocalObjectReference;
}

/** What the controller last observed and produced. */
export interface OCIRepositoryStatus {
  /**
   * The generation of the spec the status was computed from.
   * @format int64
   */
  observedGeneration?: number;
  /** Current state as conditions (Ready, Reconciling, Stalled, ArtifactInStorage, ...). */
  conditions?: Condition[];
  /** The artifact of the last successful reconciliation. */
  artifact?: Artifact;
  /** Address to download the latest artifact from; prefer artifact.url. */
  url?: string;
  /** The ignore patterns the current artifact was built with. */
  observedIgnore?: string;
  /** The layer selector the current artifact was built with. */
  observedLayerSelector?: OCILayerSelector;
  /** The last reconcile.fluxcd.io/requestedAt annotation value the controller acted on. */
  lastHandledReconcileAt?: string;
}
