// Generated from crds/image.toolkit.fluxcd.io/imageupdateautomations.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { Condition, GitRepositoryRef, ImageRef, LocalObjectReference } from './shared.ts';

/** ImageUpdateAutomation commits the images chosen by ImagePolicies to the files of a Git repository. */
export interface ImageUpdateAutomation {
  apiVersion: 'image.toolkit.fluxcd.io/v1';
  kind: 'ImageUpdateAutomation';
  metadata?: V1ObjectMeta;
  /** Which repository to change, which policies to apply, and how to commit and push. */
  spec?: ImageUpdateAutomationSpec;
  /**
   * What the automation last did.
   * @default {"observedGeneration":-1}
   */
  status?: ImageUpdateAutomationStatus;
}

/** A page of ImageUpdateAutomation objects, as the API server lists them. */
export interface ImageUpdateAutomationList {
  apiVersion: 'image.toolkit.fluxcd.io/v1';
  kind: 'ImageUpdateAutomationList';
  metadata?: V1ListMeta;
  items: ImageUpdateAutomation[];
}

/** Which repository to change, which policies to apply, and how to commit and push. */
export interface ImageUpdateAutomationSpec {
  /** The GitRepository whose URL and credentials are used to clone and push. */
  sourceRef: AutomationSourceReference;
  /** What to check out, how to commit, and where to push. */
  git?: GitSpec;
  /**
   * How often the automation runs (approximate, jittered).
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval: string;
  /** Which ImagePolicies of this namespace the automation applies; all of them when not set. */
  policySelector?: LabelSelector;
  /**
   * How files are updated; the Setters strategy over the whole repository when not set.
   * @default {"strategy":"Setters"}
   */
  update?: UpdateStrategy;
  /** Stops the automation until set back to false. */
  suspend?: boolean;
}

/** The GitRepository whose URL and credentials are used to clone and push. */
export interface AutomationSourceReference {
  /** API version of the referent. */
  apiVersion?: string;
  /**
   * Kind of the referent.
   * @default "GitRepository"
   */
  kind: 'GitRepository';
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent; this object's namespace when not set. */
  namespace?: string;
}

/** What to check out, how to commit, and where to push. */
export interface GitSpec {
  /** The reference to check out; the GitRepository's own spec.ref when not set. */
  checkout?: GitCheckoutSpec;
  /** How the commit is written. */
  commit: CommitSpec;
  /** Where the commit is pushed; the checked-out branch when not set. */
  push?: PushSpec;
}

/** The reference to check out; the GitRepository's own spec.ref when not set. */
export interface GitCheckoutSpec {
  /** The reference to check out; the 'master' branch when not set. Precedence, highest first: commit, name, semver, tag, branch. */
  ref: GitRepositoryRef;
}

/** How the commit is written. */
export interface CommitSpec {
  /** Author (and committer) of the commit. */
  author: CommitUser;
  /** OpenPGP key the commit is signed with. */
  signingKey?: SigningKey;
  /** Go text/template for the commit message, given .AutomationObject, .Changed (Changes, FileChanges, Objects) and .Values; a fixed message when not set. */
  messageTemplate?: string;
  /** Values given to the message template as .Values. */
  messageTemplateValues?: Record<string, string>;
}

/** Author (and committer) of the commit. */
export interface CommitUser {
  /** Name of the author. */
  name?: string;
  /** Email of the author. */
  email: string;
}

/** OpenPGP key the commit is signed with. */
export interface SigningKey {
  /** Secret with the armored private key under git.asc, and its passphrase under passphrase when the key is encrypted. */
  secretRef?: LocalObjectReference;
}

/** Where the commit is pushed; the checked-out branch when not set. */
export interface PushSpec {
  /** Branch to push to, created from the checked-out commit when missing. */
  branch?: string;
  /** Refspec to push with, such as refs/heads/main:refs/heads/auto; alone or besides branch. */
  refspec?: string;
  /** Git push options (git push -o key=value), such as merge_request.create for GitLab. */
  options?: Record<string, string>;
}

/** Which ImagePolicies of this namespace the automation applies; all of them when not set. */
export interface LabelSelector {
  /** Labels a policy must all have. */
  matchLabels?: Record<string, string>;
  /** Label requirements a policy must all meet. */
  matchExpressions?: LabelSelectorRequirement[];
}

/** A label key, an operator and values. */
export interface LabelSelectorRequirement {
  /** The label key. */
  key: string;
  /** In, NotIn, Exists or DoesNotExist. */
  operator: string;
  /** Values for In and NotIn; empty for Exists and DoesNotExist. */
  values?: string[];
}

/** How files are updated; the Setters strategy over the whole repository when not set. */
export interface UpdateStrategy {
  /**
   * Setters rewrites fields marked with an {"$imagepolicy":"<namespace>:<name>"} comment.
   * @default "Setters"
   */
  strategy: 'Setters';
  /** Directory, relative to the repository root, whose YAML files are updated; the root when not set. */
  path?: string;
}

/** What the automation last did. */
export interface ImageUpdateAutomationStatus {
  /**
   * The generation of the spec the status was computed from.
   * @format int64
   */
  observedGeneration?: number;
  /** Current state as conditions (Ready, Reconciling, Stalled). */
  conditions?: Condition[];
  /**
   * When the automation last ran.
   * @format date-time
   */
  lastAutomationRunTime?: string;
  /** SHA of the last commit pushed. */
  lastPushCommit?: string;
  /**
   * When the last commit was pushed.
   * @format date-time
   */
  lastPushTime?: string;
  /** The images of the policies the last run applied, by policy name. */
  observedPolicies?: Record<string, ImageRef>;
  /** The revision of the source the last run started from, such as main@sha1:<hex>. */
  observedSourceRevision?: string;
  /** The last reconcile.fluxcd.io/requestedAt annotation value the controller acted on. */
  lastHandledReconcileAt?: string;
}
