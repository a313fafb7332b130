// Generated from crds/source.toolkit.fluxcd.io/gitrepositories.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { Artifact, Condition, GitRepositoryRef, LocalObjectReference } from './shared.ts';

/** GitRepository makes one revision of a Git repository available in the cluster as an artifact. */
export interface GitRepository {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'GitRepository';
  metadata?: V1ObjectMeta;
  /** What to fetch from Git, how often, and how to authenticate and verify it. */
  spec?: GitRepositorySpec;
  /**
   * What the controller last observed and produced.
   * @default {"observedGeneration":-1}
   */
  status?: GitRepositoryStatus;
}

/** A page of GitRepository objects, as the API server lists them. */
export interface GitRepositoryList {
  apiVersion: 'source.toolkit.fluxcd.io/v1';
  kind: 'GitRepositoryList';
  metadata?: V1ListMeta;
  items: GitRepository[];
}

/**
 * What to fetch from Git, how often, and how to authenticate and verify it.
 * Enforced by the API server: serviceAccountName can only be set when provider is 'azure' or 'aws'
 */
export interface GitRepositorySpec {
  /**
   * Address of the repository, over HTTP(S) or SSH.
   * @pattern ^(http|https|ssh)://.*$
   */
  url: string;
  /** Secret in this namespace with the credentials: 'username' and 'password' or 'bearerToken' for HTTP(S); 'identity' and 'known_hosts' for SSH. */
  secretRef?: LocalObjectReference;
  /** How to authenticate to the Git host; 'generic' (the secretRef) when not set. */
  provider?: 'generic' | 'aws' | 'azure' | 'github';
  /** Kubernetes ServiceAccount whose identity is used to authenticate; only with the 'azure' or 'aws' provider. */
  serviceAccountName?: string;
  /**
   * How often the remote is checked for a new revision (approximate, jittered).
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval: string;
  /**
   * Time limit for one Git operation such as a clone.
   * @default "60s"
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m))+$
   */
  timeout?: string;
  /** The reference to check out; the 'master' branch when not set. Precedence, highest first: commit, name, semver, tag, branch. */
  ref?: GitRepositoryRef;
  /** Verification of commit or tag signatures. */
  verify?: GitRepositoryVerification;
  /** Secret with the proxy settings to reach the Git server through. */
  proxySecretRef?: LocalObjectReference;
  /** Exclusion patterns in .sourceignore (gitignore) syntax; replaces the default set. */
  ignore?: string;
  /** Stops reconciliation until set back to false. */
  suspend?: boolean;
  /** Also clones the repository's submodules. */
  recurseSubmodules?: boolean;
  /** Artifacts of other GitRepositories in this namespace to copy into this one's artifact. */
  include?: GitRepositoryInclude[];
  /** Directories to check out; only these end up in the artifact. */
  sparseCheckout?: string[];
}

/** Verification of commit or tag signatures. */
export interface GitRepositoryVerification {
  /**
   * Which objects to verify; 'head' is an older spelling of 'HEAD'.
   * @default "HEAD"
   */
  mode?: 'head' | 'HEAD' | 'Tag' | 'TagAndHEAD';
  /** Secret holding trusted public keys (PGP keys under *.asc, SSH keys under *.sshpub). */
  secretRef: LocalObjectReference;
}

/** One GitRepository artifact to include, and where its files go. */
export interface GitRepositoryInclude {
  /** The GitRepository whose artifact is included. */
  repository: LocalObjectReference;
  /** Directory of the included artifact to copy; its root when not set. */
  fromPath?: string;
  /** Directory to copy into; the included repository's name when not set. */
  toPath?: string;
}

/** What the controller last observed and produced. */
export interface GitRepositoryStatus {
  /**
   * The generation of the spec the status was computed from.
   * @format int64
   */
  observedGeneration?: number;
  /** Current state as conditions (Ready, Reconciling, Stalled, ArtifactInStorage, ...). */
  conditions?: Condition[];
  /** The artifact of the last successful reconciliation. */
  artifact?: Artifact;
  /** The artifacts included through spec.include in the last successful reconciliation. */
  includedArtifacts?: Artifact[];
  /** The ignore patterns the current artifact was built with. */
  observedIgnore?: string;
  /** The submodule setting the current artifact was built with. */
  observedRecurseSubmodules?: boolean;
  /** The includes the current artifact was built with. */
  observedInclude?: GitRepositoryInclude[];
  /** The sparse checkout directories the current artifact was built with. */
  observedSparseCheckout?: string[];
  /** The verification mode last used, naming which Git objects were verified. */
  sourceVerificationMode?: string;
  /** The last reconcile.fluxcd.io/requestedAt annotation value the controller acted on. */
  lastHandledReconcileAt?: string;
}
