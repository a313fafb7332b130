// Generated from crds/image.toolkit.fluxcd.io/imagepolicies.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { Condition, ImageRef } from './shared.ts';

/** ImagePolicy chooses the latest tag among an ImageRepository's scanned tags. */
export interface ImagePolicy {
  apiVersion: 'image.toolkit.fluxcd.io/v1';
  kind: 'ImagePolicy';
  metadata?: V1ObjectMeta;
  /** Which repository's tags to consider, which of them, and how to order them. */
  spec?: ImagePolicySpec;
  /**
   * The tag the policy chose.
   * @default {"observedGeneration":-1}
   */
  status?: ImagePolicyStatus;
}

/** A page of ImagePolicy objects, as the API server lists them. */
export interface ImagePolicyList {
  apiVersion: 'image.toolkit.fluxcd.io/v1';
  kind: 'ImagePolicyList';
  metadata?: V1ListMeta;
  items: ImagePolicy[];
}

/**
 * Which repository's tags to consider, which of them, and how to order them.
 * Enforced by the API server: spec.interval is only accepted when spec.digestReflectionPolicy is 'Always'
 * Enforced by the API server: spec.interval must be set when spec.digestReflectionPolicy is 'Always'
 */
export interface ImagePolicySpec {
  /** The ImageRepository whose tags are chosen from; another namespace only where its accessFrom allows. */
  imageRepositoryRef: NamespacedObjectReference;
  /** How tags are ordered; exactly one of semver, alphabetical or numerical. */
  policy: ImagePolicyChoice;
  /** Which tags are considered, and what part of each the policy orders by. */
  filterTags?: TagFilter;
  /**
   * When the chosen tag's digest is written to status.latestRef.digest: Never; IfNotPresent (once per tag); Always (at every interval, for mutable tags such as latest).
   * @default "Never"
   */
  digestReflectionPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /**
   * How often the chosen tag's digest is looked up again; only with digestReflectionPolicy Always.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval?: string;
  /** Stops choosing tags until set back to false. */
  suspend?: boolean;
}

/** The ImageRepository whose tags are chosen from; another namespace only where its accessFrom allows. */
export interface NamespacedObjectReference {
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent; this object's namespace when not set. */
  namespace?: string;
}

/**
 * How tags are ordered; exactly one of semver, alphabetical or numerical.
 * Enforced by the API server: spec.policy must set exactly one of semver, alphabetical or numerical
 */
export interface ImagePolicyChoice {
  /** Tags read as semantic versions; the highest within the range wins. */
  semver?: SemVerPolicy;
  /** Tags sorted as text; the last one wins. */
  alphabetical?: AlphabeticalPolicy;
  /** Tags read as numbers; the last one in the given order wins. */
  numerical?: NumericalPolicy;
}

/** Tags read as semantic versions; the highest within the range wins. */
export interface SemVerPolicy {
  /** Version range in Masterminds syntax, such as '>=1.0.0' or '1.x'; prereleases only when the range names one (such as '>=1.0.0-0'). */
  range: string;
}

/** Tags sorted as text; the last one wins. */
export interface AlphabeticalPolicy {
  /**
   * asc picks the last tag in ascending order (Z of A-Z), desc the first (A).
   * @default "asc"
   */
  order?: 'asc' | 'desc';
}

/** Tags read as numbers; the last one in the given order wins. */
export interface NumericalPolicy {
  /**
   * asc picks the highest number, desc the lowest.
   * @default "asc"
   */
  order?: 'asc' | 'desc';
}

/** Which tags are considered, and what part of each the policy orders by. */
export interface TagFilter {
  /** Regular expression a tag must match to be considered. */
  pattern?: string;
  /** Value the policy orders by instead of the tag, built from the pattern's groups, such as '$ts' for a group named ts; the tag itself when not set. */
  extract?: string;
}

/** The tag the policy chose. */
export interface ImagePolicyStatus {
  /**
   * The generation of the spec the status was computed from.
   * @format int64
   */
  observedGeneration?: number;
  /** Current state as conditions (Ready, Reconciling, Stalled). */
  conditions?: Condition[];
  /** The image and tag the policy chose, with its digest when digestReflectionPolicy asks for it. */
  latestRef?: ImageRef;
  /** The image chosen before the latest one; cleared when the policy fails. */
  observedPreviousRef?: ImageRef;
  /** The last reconcile.fluxcd.io/requestedAt annotation value the controller acted on. */
  lastHandledReconcileAt?: string;
}
