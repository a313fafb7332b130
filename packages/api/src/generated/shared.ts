// Generated from the CRDs of more than one kind by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.

export interface LocalObjectReference {
  /** Name of the referent. */
  name: string;
}

/** Labels and annotations set on every applied object, replacing existing values of the same key. */
export interface CommonMetadata {
  /** Annotations to set. */
  annotations?: Record<string, string>;
  /** Labels to set. */
  labels?: Record<string, string>;
}

/** JSON pointers to fields of the objects a selector matches; of every applied object without a target. */
export interface IgnoreRule {
  /** JSON pointers (RFC 6901) to the fields to leave alone, e.g. /spec/replicas. */
  paths: string[];
  /** Objects the patch applies to; every field given must match. */
  target?: Selector;
}

/** Objects the patch applies to; every field given must match. */
export interface Selector {
  /** API group of the objects. */
  group?: string;
  /** API version of the objects. */
  version?: string;
  /** Kind of the objects. */
  kind?: string;
  /** Namespace of the objects. */
  namespace?: string;
  /** Name of the objects, as a regular expression. */
  name?: string;
  /** Label-selector expression matched against annotations. */
  annotationSelector?: string;
  /** Label-selector expression matched against labels. */
  labelSelector?: string;
}

/**
 * Kubeconfig of a remote cluster to apply to, instead of this cluster.
 * Enforced by the API server: exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified
 * Enforced by the API server: exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified
 */
export interface KubeConfigReference {
  /** Secret holding the kubeconfig. */
  secretRef?: SecretKeyReference;
  /** ConfigMap describing the remote cluster for a workload identity provider. */
  configMapRef?: LocalObjectReference;
}

/** Secret holding the kubeconfig. */
export interface SecretKeyReference {
  /** Name of the Secret. */
  name: string;
  /** Key of the kubeconfig in the Secret; 'value' or 'value.yaml' when not set. */
  key?: string;
}

/** A patch and the objects it applies to. */
export interface Patch {
  /** The patch document, as YAML or JSON. */
  patch: string;
  /** Objects the patch applies to; every field given must match. */
  target?: Selector;
}

/** One image replacement. */
export interface Image {
  /** Image name to match, without tag. */
  name: string;
  /** Name to replace it with. */
  newName?: string;
  /** Tag to replace it with. */
  newTag?: string;
  /** Digest to replace the tag with; wins over newTag. */
  digest?: string;
}

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

/** The objects applied successfully, used to prune what is no longer built. */
export interface ResourceInventory {
  /** One entry per applied object. */
  entries: ResourceRef[];
}

/** One applied object. */
export interface ResourceRef {
  /** The object as <namespace>_<name>_<group>_<kind>. */
  id: string;
  /** API version of the object. */
  v: string;
}

export interface ImageRef {
  /** The image repository, as in spec.image of the ImageRepository (without tag). */
  name: string;
  /** The chosen tag. */
  tag: string;
  /** Digest of the tag's manifest, as sha256:<hex>. */
  digest?: string;
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

/** Issuer and subject patterns of an accepted signing identity. */
export interface OIDCIdentityMatch {
  /** Regular expression (Go syntax) for the OIDC issuer in the signing certificate. */
  issuer: string;
  /** Regular expression (Go syntax) for the identity subject in the signing certificate. */
  subject: string;
}
