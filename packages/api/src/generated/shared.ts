// Generated from the CRDs of more than one kind by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.

/** One aspect of the object's current state. */
export interface Condition {
  /**
   * Type of the condition, in CamelCase.
   * @pattern ^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$
   * @maxLength 316
   */
  type: string;
  /** True, False or Unknown. */
  status: 'True' | 'False' | 'Unknown';
  /**
   * The generation the condition was set for.
   * @format int64
   * @minimum 0
   */
  observedGeneration?: number;
  /**
   * When the status last changed.
   * @format date-time
   */
  lastTransitionTime: string;
  /**
   * Machine-readable reason for the last transition, in CamelCase.
   * @pattern ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$
   * @minLength 1
   * @maxLength 1024
   */
  reason: string;
  /**
   * Human-readable details of the last transition.
   * @maxLength 32768
   */
  message: string;
}

export interface ImageRef {
  /** The image repository, as in spec.image of the ImageRepository (without tag). */
  name: string;
  /** The chosen tag. */
  tag: string;
  /** Digest of the tag's manifest, as sha256:<hex>. */
  digest?: string;
}

export interface LocalObjectReference {
  /** Name of the referent. */
  name: string;
}

export interface AccessFrom {
  /** Namespace selectors; any match grants access. */
  namespaceSelectors: NamespaceSelector[];
}

/** Selects namespaces by their labels. */
export interface NamespaceSelector {
  /** Labels a namespace must all have. */
  matchLabels?: Record<string, string>;
}

/** The reference to check out; the 'master' branch when not set. Precedence, highest first: commit, name, semver, tag, branch. */
export interface GitRepositoryRef {
  /** Branch to check out; 'master' when no other field is set. */
  branch?: string;
  /** Tag to check out; wins over branch. */
  tag?: string;
  /** Semantic version range; the highest matching tag is checked out. Wins over tag. */
  semver?: string;
  /** Full Git reference such as refs/heads/main or refs/pull/42/head; wins over branch, tag and semver. */
  name?: string;
  /** Commit SHA to check out; wins over every other field. With branch, only that branch is cloned. */
  commit?: string;
}

/** An object by kind and name ('*' for all), optionally in another namespace and filtered by labels. */
export interface CrossNamespaceObjectReference {
  /** API version of the referent. */
  apiVersion?: string;
  /** Kind of the referent. */
  kind: 'Bucket' | 'GitRepository' | 'Kustomization' | 'HelmRelease' | 'HelmChart' | 'HelmRepository' | 'ImageRepository' | 'ImagePolicy' | 'ImageUpdateAutomation' | 'OCIRepository' | 'ArtifactGenerator' | 'ExternalArtifact';
  /**
   * Name of the referent; '*' matches every object of the kind.
   * @minLength 1
   * @maxLength 253
   */
  name: string;
  /**
   * Namespace of the referent; the Alert's namespace when empty.
   * @minLength 1
   * @maxLength 253
   */
  namespace?: string;
  /** Labels the referent must carry; only used with name '*'. */
  matchLabels?: Record<string, string>;
}

export interface Artifact {
  /** Location of the file relative to the root of the artifact storage. */
  path: string;
  /** HTTP address the artifact is served from. */
  url: string;
  /** Identifier of the source revision, such as main@sha1:<hex> or a chart version. */
  revision: string;
  /**
   * Digest of the file as <algorithm>:<checksum>.
   * @pattern ^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$
   */
  digest: string;
  /**
   * When the artifact last changed.
   * @format date-time
   */
  lastUpdateTime: string;
  /**
   * Size of the file in bytes.
   * @format int64
   */
  size?: number;
  /** Upstream annotations, such as OCI annotations. */
  metadata?: Record<string, string>;
}

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

/** Issuer and subject patterns of an accepted signing identity. */
export interface OIDCIdentityMatch {
  /** Regular expression (Go syntax) for the OIDC issuer in the signing certificate. */
  issuer: string;
  /** Regular expression (Go syntax) for the identity subject in the signing certificate. */
  subject: string;
}
