// Generated from crds/kustomize.toolkit.fluxcd.io/kustomizations.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { CommonMetadata, Condition, IgnoreRule, Image, KubeConfigReference, LocalObjectReference, Patch, ResourceInventory } from './shared.ts';

/** Kustomization keeps the cluster equal to a kustomize build of a path in a source artifact. */
export interface Kustomization {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1';
  kind: 'Kustomization';
  metadata?: V1ObjectMeta;
  /** Which source and path to build, how to change the result, and how to apply, prune and health-check it. */
  spec?: KustomizationSpec;
  /**
   * What the controller last observed and applied.
   * @default {"observedGeneration":-1}
   */
  status?: KustomizationStatus;
}

/** A page of Kustomization objects, as the API server lists them. */
export interface KustomizationList {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1';
  kind: 'KustomizationList';
  metadata?: V1ListMeta;
  items: Kustomization[];
}

/** Which source and path to build, how to change the result, and how to apply, prune and health-check it. */
export interface KustomizationSpec {
  /** Labels and annotations set on every applied object, replacing existing values of the same key. */
  commonMetadata?: CommonMetadata;
  /** Kustomizations that must be ready before this one is reconciled. */
  dependsOn?: DependencyReference[];
  /** Decrypts encrypted Secrets in the build output before they are applied. */
  decryption?: Decryption;
  /**
   * How often the Kustomization is reconciled.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval: string;
  /**
   * How soon a failed reconciliation is retried; interval when not set.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  retryInterval?: string;
  /** Kubeconfig of a remote cluster to apply to, instead of this cluster. */
  kubeConfig?: KubeConfigReference;
  /** Directory in the artifact with the kustomization.yaml or plain manifests; the artifact root when not set. */
  path?: string;
  /** Changes made to the built manifests before they are applied. */
  postBuild?: PostBuild;
  /** Deletes objects that this Kustomization applied before and no longer builds. */
  prune: boolean;
  /** What happens to the applied objects when the Kustomization is deleted: MirrorPrune (follow prune), Delete, WaitForTermination (delete and wait until gone) or Orphan. */
  deletionPolicy?: 'MirrorPrune' | 'Delete' | 'WaitForTermination' | 'Orphan';
  /** Objects whose health decides this Kustomization's readiness. */
  healthChecks?: NamespacedObjectKindReference[];
  /** CEL expressions that compute the health of custom resources that do not follow kstatus. */
  healthCheckExprs?: CustomHealthCheck[];
  /** Strategic merge or JSON 6902 patches, inline, applied to the objects the target selects. */
  patches?: Patch[];
  /** Fields the apply leaves to others (drift in them is not corrected), per object the target selects. */
  ignore?: IgnoreRule[];
  /** Image name, tag and digest replacements, as in kustomize's images field. */
  images?: Image[];
  /** ServiceAccount to impersonate when applying. */
  serviceAccountName?: string;
  /** The source whose artifact holds the manifests. */
  sourceRef: CrossNamespaceSourceReference;
  /** Stops new reconciliations until set back to false; one already running finishes. */
  suspend?: boolean;
  /**
   * Namespace set on every namespaced object of the build.
   * @minLength 1
   * @maxLength 63
   */
  targetNamespace?: string;
  /**
   * Prefix added to the names of all built objects.
   * @minLength 1
   * @maxLength 200
   */
  namePrefix?: string;
  /**
   * Suffix added to the names of all built objects.
   * @minLength 1
   * @maxLength 200
   */
  nameSuffix?: string;
  /**
   * Time limit for validation, apply and health checks; derived from interval when not set.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  timeout?: string;
  /**
   * Recreates objects whose update fails because an immutable field changed.
   * @default false
   */
  force?: boolean;
  /** Waits for every applied object to be healthy; healthChecks are then ignored. */
  wait?: boolean;
  /** Paths of kustomize components to add to the build. */
  components?: string[];
  /** Skips listed components that do not exist instead of failing. */
  ignoreMissingComponents?: boolean;
  /** kustomize buildMetadata options, which annotate each object with where it came from or what changed it. */
  buildMetadata?: Array<'originAnnotations' | 'transformerAnnotations'>;
}

/** A Kustomization this one waits for. */
export interface DependencyReference {
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent; this object's namespace when not set. */
  namespace?: string;
  /** CEL expression over `dep` (and `self`) that decides readiness instead of the Ready condition. */
  readyExpr?: string;
}

/** Decrypts encrypted Secrets in the build output before they are applied. */
export interface Decryption {
  /** Decryption engine. */
  provider: 'sops';
  /** Secret with the private keys used to decrypt. */
  secretRef?: LocalObjectReference;
  /** ServiceAccount whose identity is used to reach a cloud key management service. */
  serviceAccountName?: string;
}

/** Changes made to the built manifests before they are applied. */
export interface PostBuild {
  /** WithVariables substitutes only when variables are given; Always substitutes (defaults included) even without. */
  substituteStrategy?: 'WithVariables' | 'Always';
  /** Values for ${var} references in the manifests, with bash-style defaults and substrings. */
  substitute?: Record<string, string>;
  /** ConfigMaps and Secrets in this namespace whose data keys are variables to substitute. */
  substituteFrom?: SubstituteReference[];
}

/** A ConfigMap or Secret holding substitution variables. */
export interface SubstituteReference {
  /** Kind of the referent. */
  kind: 'Secret' | 'ConfigMap';
  /**
   * Name of the referent, in this namespace.
   * @minLength 1
   * @maxLength 253
   */
  name: string;
  /**
   * When true, a missing referent counts as empty instead of failing.
   * @default false
   */
  optional?: boolean;
}

/** A typed reference to an object in any namespace. */
export interface NamespacedObjectKindReference {
  /** API version of the referent; the preferred version when not set. */
  apiVersion?: string;
  /** Kind of the referent. */
  kind: string;
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent; this object's namespace when not set. */
  namespace?: string;
}

/** Health expressions for one kind. */
export interface CustomHealthCheck {
  /** API version of the resources the expressions apply to. */
  apiVersion: string;
  /** Kind of the resources the expressions apply to; every kind of the apiVersion without an entry of its own when not set. */
  kind?: string;
  /** CEL expression that is true when the resource is healthy. */
  current: string;
  /** CEL expression that is true while the resource is still progressing. */
  inProgress?: string;
  /** CEL expression that is true when the resource has failed. */
  failed?: string;
}

/** The source whose artifact holds the manifests. */
export interface CrossNamespaceSourceReference {
  /** API version of the referent. */
  apiVersion?: string;
  /** Kind of the referent. */
  kind: 'OCIRepository' | 'GitRepository' | 'Bucket' | 'ExternalArtifact';
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent; this object's namespace when not set. */
  namespace?: string;
}

/** What the controller last observed and applied. */
export interface KustomizationStatus {
  /**
   * The generation of the spec the status was computed from.
   * @format int64
   */
  observedGeneration?: number;
  /** Current state as conditions (Ready, Reconciling, Stalled, Healthy). */
  conditions?: Condition[];
  /** Revision of the source artifact last applied successfully. */
  lastAppliedRevision?: string;
  /** Origin revision (from the artifact's metadata) of the last successful apply. */
  lastAppliedOriginRevision?: string;
  /** Revision of the source artifact of the last reconciliation attempt. */
  lastAttemptedRevision?: string;
  /** The last reconcile.fluxcd.io/requestedAt annotation value the controller acted on. */
  lastHandledReconcileAt?: string;
  /** The objects applied successfully, used to prune what is no longer built. */
  inventory?: ResourceInventory;
  /** The latest distinct reconciliations, newest first. */
  history?: Snapshot[];
}

/** Reconciliations that produced the same build digest and outcome. */
export interface Snapshot {
  /** Digest of the applied build. */
  digest: string;
  /**
   * When this build was first reconciled.
   * @format date-time
   */
  firstReconciled: string;
  /**
   * When this build was last reconciled.
   * @format date-time
   */
  lastReconciled: string;
  /** How long the last reconciliation took. */
  lastReconciledDuration: string;
  /** Outcome of the last reconciliation. */
  lastReconciledStatus: string;
  /**
   * How many reconciliations this entry counts.
   * @format int64
   */
  totalReconciliations: number;
  /** Extra facts about the reconciliation, such as the source revision. */
  metadata?: Record<string, string>;
}
