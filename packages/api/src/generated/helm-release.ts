// Generated from crds/helm.toolkit.fluxcd.io/helmreleases.yaml by packages/api/scripts/generate-models.ts. Do not edit:
// change the CRD, then run `node packages/api/scripts/generate-models.ts`.
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { CommonMetadata, Condition, IgnoreRule, Image, KubeConfigReference, LocalObjectReference, Patch, ResourceInventory } from './shared.ts';

/** HelmRelease keeps a Helm release equal to a chart from a source and the values given. */
export interface HelmRelease {
  apiVersion: 'helm.toolkit.fluxcd.io/v2';
  kind: 'HelmRelease';
  metadata?: V1ObjectMeta;
  /** Which chart and values make the release, and how it is installed, upgraded, tested and remediated. */
  spec?: HelmReleaseSpec;
  /**
   * What the controller last observed, attempted and released.
   * @default {"observedGeneration":-1}
   */
  status?: HelmReleaseStatus;
}

/** A page of HelmRelease objects, as the API server lists them. */
export interface HelmReleaseList {
  apiVersion: 'helm.toolkit.fluxcd.io/v2';
  kind: 'HelmReleaseList';
  metadata?: V1ListMeta;
  items: HelmRelease[];
}

/**
 * Which chart and values make the release, and how it is installed, upgraded, tested and remediated.
 * Enforced by the API server: either chart or chartRef must be set
 */
export interface HelmReleaseSpec {
  /** Template of the HelmChart the controller creates and owns for this release. */
  chart?: HelmChartTemplate;
  /** A source object whose artifact is the chart (OCIRepository, HelmChart or ExternalArtifact). */
  chartRef?: ChartReference;
  /** Labels and annotations set on every applied object, replacing existing values of the same key. */
  commonMetadata?: CommonMetadata;
  /** HelmReleases (or, in Fluxion, Kustomizations) that must be ready before this release is reconciled. */
  dependsOn?: HelmReleaseDependency[];
  /** Compares the release's objects in the cluster with its manifest, and corrects or reports drift. */
  driftDetection?: DriftDetection;
  /** How the release is installed. */
  install?: Install;
  /**
   * How often the release is reconciled.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval: string;
  /** Kubeconfig of a remote cluster to apply to, instead of this cluster. */
  kubeConfig?: KubeConfigReference;
  /** Release revisions Helm keeps; 5 when not set, 0 for no limit. */
  maxHistory?: number;
  /** Keeps one Kubernetes client for all Helm actions of the release. */
  persistentClient?: boolean;
  /** Changes made to the rendered manifests before Helm applies them, in order. */
  postRenderers?: PostRenderer[];
  /**
   * Name of the Helm release; [targetNamespace-]name when not set.
   * @minLength 1
   * @maxLength 53
   */
  releaseName?: string;
  /** How a failed upgrade is rolled back. */
  rollback?: Rollback;
  /**
   * ServiceAccount to impersonate for every Helm action.
   * @minLength 1
   * @maxLength 253
   */
  serviceAccountName?: string;
  /**
   * Namespace of the Helm storage Secrets; the HelmRelease's namespace when not set.
   * @minLength 1
   * @maxLength 63
   */
  storageNamespace?: string;
  /** Stops new reconciliations until set back to false; one already running finishes. */
  suspend?: boolean;
  /**
   * Namespace the release installs into; the HelmRelease's namespace when not set.
   * @minLength 1
   * @maxLength 63
   */
  targetNamespace?: string;
  /** Runs the chart's test hooks after an install or upgrade. */
  test?: Test;
  /**
   * Time limit for each Helm action; 5m when not set.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  timeout?: string;
  /** How the release is uninstalled (on deletion, or as a remediation). */
  uninstall?: Uninstall;
  /** How the release is upgraded. */
  upgrade?: Upgrade;
  /** Values for the chart, merged over valuesFrom. */
  values?: Record<string, unknown>;
  /** ConfigMaps and Secrets whose keys hold values, merged in order. */
  valuesFrom?: ValuesReference[];
}

/** Template of the HelmChart the controller creates and owns for this release. */
export interface HelmChartTemplate {
  /** Labels and annotations of the created HelmChart. */
  metadata?: HelmChartTemplateObjectMeta;
  /** Spec of the created HelmChart. */
  spec: HelmChartTemplateSpec;
}

/** Labels and annotations of the created HelmChart. */
export interface HelmChartTemplateObjectMeta {
  /** Annotations to set. */
  annotations?: Record<string, string>;
  /** Labels to set. */
  labels?: Record<string, string>;
}

/** Spec of the created HelmChart. */
export interface HelmChartTemplateSpec {
  /**
   * Name or path of the chart in the source.
   * @minLength 1
   * @maxLength 2048
   */
  chart: string;
  /**
   * Version semver expression, for charts from a HelmRepository.
   * @default "*"
   */
  version?: string;
  /** The source of the chart. */
  sourceRef: HelmChartTemplateSourceReference;
  /**
   * How often the HelmChart is reconciled; the HelmRelease's interval when not set.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  interval?: string;
  /**
   * What makes a new chart artifact, ChartVersion or Revision (of the source).
   * @default "ChartVersion"
   */
  reconcileStrategy?: 'ChartVersion' | 'Revision';
  /** Values files in the source merged in order into the chart's values. */
  valuesFiles?: string[];
  /** Skips listed values files that do not exist instead of failing. */
  ignoreMissingValuesFiles?: boolean;
  /** Verifies the chart's signature (OCI charts only). */
  verify?: HelmChartTemplateVerification;
}

/** The source of the chart. */
export interface HelmChartTemplateSourceReference {
  /** API version of the referent. */
  apiVersion?: string;
  /** Kind of the referent. */
  kind: 'HelmRepository' | 'GitRepository' | 'Bucket';
  /**
   * Name of the referent.
   * @minLength 1
   * @maxLength 253
   */
  name: string;
  /**
   * Namespace of the referent; the HelmRelease's namespace when not set.
   * @minLength 1
   * @maxLength 63
   */
  namespace?: string;
}

/** Verifies the chart's signature (OCI charts only). */
export interface HelmChartTemplateVerification {
  /**
   * The signing technology.
   * @default "cosign"
   */
  provider: 'cosign' | 'notation';
  /** Secret with the trusted public keys. */
  secretRef?: LocalObjectReference;
}

/** A source object whose artifact is the chart (OCIRepository, HelmChart or ExternalArtifact). */
export interface ChartReference {
  /** API version of the referent. */
  apiVersion?: string;
  /** Kind of the referent. */
  kind: 'OCIRepository' | 'HelmChart' | 'ExternalArtifact';
  /**
   * Name of the referent.
   * @minLength 1
   * @maxLength 253
   */
  name: string;
  /**
   * Namespace of the referent; the HelmRelease's namespace when not set.
   * @minLength 1
   * @maxLength 63
   */
  namespace?: string;
}

/** An object this release waits for; a HelmRelease unless kind says otherwise. */
export interface HelmReleaseDependency {
  /** API version of the referent, for a kind other than HelmRelease. */
  apiVersion?: string;
  /** Kind of the referent; HelmRelease when not set. */
  kind?: 'HelmRelease' | 'Kustomization';
  /** Name of the referent. */
  name: string;
  /** Namespace of the referent; this object's namespace when not set. */
  namespace?: string;
  /** CEL expression over `dep` (and `self`) that decides readiness instead of the Ready condition. */
  readyExpr?: string;
}

/** Compares the release's objects in the cluster with its manifest, and corrects or reports drift. */
export interface DriftDetection {
  /** enabled corrects drift, warn only reports it, disabled does neither. */
  mode?: 'enabled' | 'warn' | 'disabled';
  /** JSON pointers ignored while comparing, for the objects the target selects. */
  ignore?: IgnoreRule[];
}

/** How the release is installed. */
export interface Install {
  /**
   * Time limit for the install, its hooks and health wait; spec.timeout when not set.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  timeout?: string;
  /** What happens when the install fails. */
  remediation?: InstallRemediation;
  /** RemediateOnFailure (uninstall, then install again) or RetryOnFailure (install again). */
  strategy?: InstallStrategy;
  /** Does not wait for the release's objects to be ready before marking it successful. */
  disableWait?: boolean;
  /** Does not wait for Jobs to complete. */
  disableWaitForJobs?: boolean;
  /** Runs no hooks during the install. */
  disableHooks?: boolean;
  /** Does not validate the rendered manifests against the Kubernetes OpenAPI schema. */
  disableOpenAPIValidation?: boolean;
  /** Does not validate the values against the chart's values.schema.json. */
  disableSchemaValidation?: boolean;
  /** Refuses to take over objects that exist but belong to no release. */
  disableTakeOwnership?: boolean;
  /** Reuses the name of a deleted release that is still in the history. */
  replace?: boolean;
  /** Deprecated; use crds. */
  skipCRDs?: boolean;
  /** What to do with the chart's crds/ directory; Create when not set. */
  crds?: 'Skip' | 'Create' | 'CreateReplace';
  /** Creates the release namespace when it does not exist. */
  createNamespace?: boolean;
  /** Applies the release's objects with server-side apply. */
  serverSideApply?: boolean;
}

/** What happens when the install fails. */
export interface InstallRemediation {
  /** Attempts after the first before giving up; a negative value retries forever. */
  retries?: number;
  /** Test failures do not count as install failures; test.ignoreFailures when not set. */
  ignoreTestFailures?: boolean;
  /** Remediates (uninstalls) after the last retry too; true when retries > 0. */
  remediateLastFailure?: boolean;
}

/** RemediateOnFailure (uninstall, then install again) or RetryOnFailure (install again). */
export interface InstallStrategy {
  /** Name of the strategy. */
  name: 'RemediateOnFailure' | 'RetryOnFailure';
  /**
   * Delay before a retry under RetryOnFailure.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  retryInterval?: string;
}

/** One post-renderer. */
export interface PostRenderer {
  /** Kustomize patches and image replacements. */
  kustomize?: KustomizePostRenderer;
}

/** Kustomize patches and image replacements. */
export interface KustomizePostRenderer {
  /** Strategic merge or JSON 6902 patches, inline, applied to the objects the target selects. */
  patches?: Patch[];
  /** Image name, tag and digest replacements, as in kustomize's images field. */
  images?: Image[];
}

/** How a failed upgrade is rolled back. */
export interface Rollback {
  /**
   * Time limit for the rollback; spec.timeout when not set.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  timeout?: string;
  /** Does not wait for the objects to be ready. */
  disableWait?: boolean;
  /** Does not wait for Jobs to complete. */
  disableWaitForJobs?: boolean;
  /** Runs no hooks during the rollback. */
  disableHooks?: boolean;
  /** Restarts pods of the rolled-back objects. */
  recreate?: boolean;
  /** Replaces objects that cannot be patched. */
  force?: boolean;
  /** Deletes objects created by a failed rollback. */
  cleanupOnFail?: boolean;
  /** Applies with server-side apply. */
  serverSideApply?: boolean;
}

/** Runs the chart's test hooks after an install or upgrade. */
export interface Test {
  /** Runs the tests. */
  enable?: boolean;
  /**
   * Time limit for the tests; spec.timeout when not set.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  timeout?: string;
  /** A failed test does not fail the release. */
  ignoreFailures?: boolean;
  /** Which tests run. */
  filters?: TestFilter[];
}

/** A test hook to run or to leave out, by name. */
export interface TestFilter {
  /**
   * Name of the test hook.
   * @minLength 1
   * @maxLength 253
   */
  name: string;
  /** Leaves the test out instead of selecting it. */
  exclude?: boolean;
}

/** How the release is uninstalled (on deletion, or as a remediation). */
export interface Uninstall {
  /**
   * Time limit for the uninstall; spec.timeout when not set.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  timeout?: string;
  /** Runs no hooks during the uninstall. */
  disableHooks?: boolean;
  /** Keeps the release's history, marked uninstalled. */
  keepHistory?: boolean;
  /** Does not wait for the objects to be deleted. */
  disableWait?: boolean;
  /**
   * How dependents are deleted.
   * @default "background"
   */
  deletionPropagation?: 'background' | 'foreground' | 'orphan';
}

/** How the release is upgraded. */
export interface Upgrade {
  /**
   * Time limit for the upgrade, its hooks and health wait; spec.timeout when not set.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  timeout?: string;
  /** What happens when the upgrade fails. */
  remediation?: UpgradeRemediation;
  /** RemediateOnFailure (roll back or uninstall, then upgrade again) or RetryOnFailure. */
  strategy?: UpgradeStrategy;
  /** Does not wait for the release's objects to be ready before marking it successful. */
  disableWait?: boolean;
  /** Does not wait for Jobs to complete. */
  disableWaitForJobs?: boolean;
  /** Runs no hooks during the upgrade. */
  disableHooks?: boolean;
  /** Does not validate the rendered manifests against the Kubernetes OpenAPI schema. */
  disableOpenAPIValidation?: boolean;
  /** Does not validate the values against the chart's values.schema.json. */
  disableSchemaValidation?: boolean;
  /** Refuses to take over objects that exist but belong to no release. */
  disableTakeOwnership?: boolean;
  /** Replaces objects that cannot be patched (delete and create). */
  force?: boolean;
  /** Reuses the values of the last release and merges the new ones over them. */
  preserveValues?: boolean;
  /** Deletes objects created by a failed upgrade. */
  cleanupOnFail?: boolean;
  /** What to do with the chart's crds/ directory; Skip when not set. */
  crds?: 'Skip' | 'Create' | 'CreateReplace';
  /** Applies the release's objects with server-side apply. */
  serverSideApply?: boolean;
}

/** What happens when the upgrade fails. */
export interface UpgradeRemediation {
  /** Attempts after the first before giving up; a negative value retries forever. */
  retries?: number;
  /** Test failures do not count as upgrade failures; test.ignoreFailures when not set. */
  ignoreTestFailures?: boolean;
  /** Remediates after the last retry too; true when retries > 0. */
  remediateLastFailure?: boolean;
  /** How a failed upgrade is remediated; rollback when not set. */
  strategy?: 'rollback' | 'uninstall';
}

/** RemediateOnFailure (roll back or uninstall, then upgrade again) or RetryOnFailure. */
export interface UpgradeStrategy {
  /** Name of the strategy. */
  name: 'RemediateOnFailure' | 'RetryOnFailure';
  /**
   * Delay before a retry under RetryOnFailure.
   * @pattern ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$
   */
  retryInterval?: string;
}

/** A ConfigMap or Secret key holding values, or one value at a path. */
export interface ValuesReference {
  /** Kind of the referent. */
  kind: 'Secret' | 'ConfigMap';
  /**
   * Name of the referent, in the HelmRelease's namespace.
   * @minLength 1
   * @maxLength 253
   */
  name: string;
  /**
   * Key holding the values; values.yaml when not set.
   * @pattern ^[\-._a-zA-Z0-9]+$
   * @maxLength 253
   */
  valuesKey?: string;
  /**
   * Path (as in helm --set) where the key's content goes as one value.
   * @pattern ^([a-zA-Z0-9_\-.\\\/]|\[[0-9]{1,5}\])+$
   * @maxLength 250
   */
  targetPath?: string;
  /** A missing referent or key is skipped instead of failing. */
  optional?: boolean;
}

/** What the controller last observed, attempted and released. */
export interface HelmReleaseStatus {
  /**
   * The generation of the spec the status was computed from.
   * @format int64
   */
  observedGeneration?: number;
  /** The last reconcile.fluxcd.io/requestedAt annotation value the controller acted on. */
  lastHandledReconcileAt?: string;
  /** The last reconcile.fluxcd.io/forceAt annotation value the controller acted on. */
  lastHandledForceAt?: string;
  /** The last reconcile.fluxcd.io/resetAt annotation value the controller acted on. */
  lastHandledResetAt?: string;
  /** Current state as conditions (Ready, Reconciling, Stalled, Healthy). */
  conditions?: Condition[];
  /** The HelmChart the controller created for spec.chart, as namespace/name. */
  helmChart?: string;
  /** Namespace of the Helm storage Secrets of the current release. */
  storageNamespace?: string;
  /** Releases made by the controller, newest first. */
  history?: ReleaseSnapshot[];
  /**
   * The generation of the last install or upgrade attempt.
   * @format int64
   */
  lastAttemptedGeneration?: number;
  /**
   * Failed reconciliations since the last success.
   * @format int64
   */
  failures?: number;
  /**
   * Failed installs since the last success.
   * @format int64
   */
  installFailures?: number;
  /**
   * Failed upgrades since the last success.
   * @format int64
   */
  upgradeFailures?: number;
  /** Chart version of the last attempt. */
  lastAttemptedRevision?: string;
  /** Digest of the chart artifact of the last attempt. */
  lastAttemptedRevisionDigest?: string;
  /** Deprecated SHA1 checksum of the values of the last attempt. */
  lastAttemptedValuesChecksum?: string;
  /** Digest of the values of the last attempt. */
  lastAttemptedConfigDigest?: string;
  /** The last release action attempted (install or upgrade). */
  lastAttemptedReleaseAction?: 'install' | 'upgrade';
  /** How long the last release action took. */
  lastAttemptedReleaseActionDuration?: string;
  /** Digest of the post-renderers of the last successful release. */
  observedPostRenderersDigest?: string;
  /** Digest of the common metadata of the last successful release. */
  observedCommonMetadataDigest?: string;
  /** The objects applied successfully, used to prune what is no longer built. */
  inventory?: ResourceInventory;
}

/** One Helm release revision, as the controller observed it. */
export interface ReleaseSnapshot {
  /** Version of the snapshot format. */
  apiVersion?: string;
  /** Digest of the release object. */
  digest: string;
  /** Name of the release. */
  name: string;
  /** Namespace of the release. */
  namespace: string;
  /** Revision of the release. */
  version: number;
  /** Helm's status of the revision (deployed, failed, superseded, ...). */
  status: string;
  /** Name of the chart. */
  chartName: string;
  /** Version of the chart. */
  chartVersion: string;
  /** App version of the chart. */
  appVersion?: string;
  /** Digest of the values of the revision. */
  configDigest: string;
  /**
   * When the release was first deployed.
   * @format date-time
   */
  firstDeployed: string;
  /**
   * When this revision was deployed.
   * @format date-time
   */
  lastDeployed: string;
  /**
   * When the release was uninstalled.
   * @format date-time
   */
  deleted?: string;
  /** The revision's test hooks and their last run, by name. */
  testHooks?: Record<string, TestHookStatus>;
  /** Digest of the OCI artifact the chart came from. */
  ociDigest?: string;
}

/** The last run of a test hook. */
export interface TestHookStatus {
  /**
   * When the test last started.
   * @format date-time
   */
  lastStarted?: string;
  /**
   * When the test last completed.
   * @format date-time
   */
  lastCompleted?: string;
  /** Outcome of the last run (Succeeded, Failed, Unknown, Running). */
  phase?: string;
}
