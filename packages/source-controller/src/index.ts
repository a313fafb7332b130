// source-controller's building blocks: fetch a Git source, filter it, archive it reproducibly, store and serve it.
export { archiveDirectory, type ArchiveExclude, type ArchiveOptions, type ArchiveResult } from './archive.ts';
export {
  createArtifactHandler,
  parseListenAddress,
  startArtifactServer,
  ArtifactServerAddressError,
  type ArtifactServerOptions,
  type RunningArtifactServer,
} from './artifact-server.ts';
export { FetchError, redactUrl, type FetchFailureReason } from './fetch-error.ts';
export {
  checkoutGitRepository,
  defaultGitTimeoutMs,
  type GitCheckoutOptions,
  type GitCheckoutResult,
} from './git-checkout.ts';
export {
  defaultBranch,
  describeRefRequest,
  refRequestFromSpec,
  type GitRefRequest,
  type GitRepositoryRef,
} from './git-ref.ts';
export {
  formatGitRevision,
  formatRevision,
  isSameDigest,
  isSameRevision,
  normalizeRevision,
  parseRevision,
  revisionHash,
  RevisionFormatError,
  type Revision,
} from './revision.ts';
export {
  buildIgnoreMatcher,
  defaultExclusions,
  IgnoreMatcher,
  loadIgnoreMatcher,
  SourceIgnoreError,
  sourceIgnoreFileName,
  vcsExclusions,
} from './source-ignore.ts';
export {
  ArtifactStorage,
  latestArtifactLinkName,
  type Artifact,
  type ArtifactOwner,
  type ArtifactStorageOptions,
} from './storage.ts';
export { StorageError } from './storage-error.ts';
export { extractTarGz, TarExtractError, type ExtractOptions } from './tar-extract.ts';
export {
  validateGitRepositorySpec,
  InvalidSpecError,
  defaultGitTimeout,
  type GitRepositoryPlan,
} from './gitrepository-spec.ts';
export { copyIncludedArtifacts, resolveIncludes, IncludeError, type IncludedArtifact } from './include-artifacts.ts';
export {
  GitRepositoryReconciler,
  gitRepositoryKind,
  type GitRepositoryReconcilerOptions,
} from './gitrepository-reconciler.ts';
export { ReconcileFailure, revisionAnnotation } from './source-run.ts';
export {
  setupGitRepositoryController,
  type GitRepositoryController,
  type GitRepositoryControllerOptions,
} from './gitrepository-controller.ts';
export { artifactFileName } from './artifact-file-name.ts';
export { verifyCheckout, trustedKeysFrom, VerificationError, type VerifyMode, type TrustedKeys } from './git-verify.ts';
export {
  validateOCIRepositorySpec,
  defaultOciTimeout,
  type OCIRepositoryPlan,
  type OciRefRequest,
} from './ocirepository-spec.ts';
export { resolveRegistryAccess } from './ocirepository-access.ts';
export {
  resolveArtifact,
  pullLayer,
  OciPullError,
  defaultPullLimits,
  type PullLimits,
  type ResolvedArtifact,
  type PulledLayer,
} from './ocirepository-pull.ts';
export {
  OCIRepositoryReconciler,
  ociRepositoryKind,
  type OCIRepositoryReconcilerOptions,
} from './ocirepository-reconciler.ts';
export {
  setupOCIRepositoryController,
  type OCIRepositoryController,
  type OCIRepositoryControllerOptions,
} from './ocirepository-controller.ts';
export { SourceError } from './source-error.ts';
export { parseHelmIndex, findChartVersion, type HelmIndex, type ChartVersionEntry } from './helm-index.ts';
export { HelmIndexCache } from './helm-index-cache.ts';
export { mergeValues, mergeValuesFiles } from './helm-values.ts';
export { findHelm, packageChart } from './helm-packager.ts';
export {
  setupHelmRepositoryController,
  type HelmRepositoryController,
  type HelmRepositoryControllerOptions,
} from './helmrepository-controller.ts';
export {
  HelmRepositoryReconciler,
  helmRepositoryKind,
  ociHelmRepositoryReadyMessage,
} from './helmrepository-reconciler.ts';
export {
  setupHelmChartController,
  type HelmChartController,
  type HelmChartControllerOptions,
} from './helmchart-controller.ts';
export { HelmChartReconciler, helmChartKind, type HelmChartSources } from './helmchart-reconciler.ts';
export { setupBucketController, type BucketController, type BucketControllerOptions } from './bucket-controller.ts';
export { BucketReconciler, bucketKind } from './bucket-reconciler.ts';
export { S3Client, type S3ClientOptions, type S3Object } from './s3-client.ts';
export { signS3Request, type S3Credentials } from './s3-signature.ts';
