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
export { checkoutGitRepository, defaultGitTimeoutMs, type GitCheckoutOptions, type GitCheckoutResult } from './git-checkout.ts';
export { defaultBranch, describeRefRequest, refRequestFromSpec, type GitRefRequest, type GitRepositoryRef } from './git-ref.ts';
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
export { ArtifactStorage, latestArtifactLinkName, type Artifact, type ArtifactOwner, type ArtifactStorageOptions } from './storage.ts';
export { StorageError } from './storage-error.ts';
export { extractTarGz, TarExtractError, type ExtractOptions } from './tar-extract.ts';
export { validateGitRepositorySpec, InvalidSpecError, defaultGitTimeout, type GitRepositoryPlan } from './gitrepository-spec.ts';
export { copyIncludedArtifacts, resolveIncludes, IncludeError, type IncludedArtifact } from './include-artifacts.ts';
export {
  GitRepositoryReconciler,
  ReconcileFailure,
  gitRepositoryKind,
  revisionAnnotation,
  type GitRepositoryReconcilerOptions,
} from './gitrepository-reconciler.ts';
export { setupGitRepositoryController, type GitRepositoryController, type GitRepositoryControllerOptions } from './gitrepository-controller.ts';
export { artifactFileName } from './artifact-file-name.ts';
export { verifyCheckout, trustedKeysFrom, VerificationError, type VerifyMode, type TrustedKeys } from './git-verify.ts';
