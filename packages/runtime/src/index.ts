// --- cluster-facing half: client, watch cache, status, events, resource manager ---
// the cluster client alone, also served as @fluxion/runtime/client so a command-line tool starts fast
export * from './client-entry.ts';
export { clientFromFlags, clientFromKubeconfigString } from './client.ts';
export { kubeConfigFromString } from './kube-config.ts';
export type { KubeconfigPolicy } from './kubeconfig-rest-config.ts';
export type { RestConfigInit, RequestSettings, TlsSettings, Credentials, CredentialSource } from './rest-config.ts';
export { toRestConfig } from './client-node-kube-config.ts';
export type { KubeConfigSource, ClientNodeKubeConfigLike } from './client-node-kube-config.ts';
export { inClusterConfig, isInCluster } from './in-cluster-config.ts';
export type { InClusterOptions } from './in-cluster-config.ts';
export { TokenBucketRateLimiter } from './rate-limiter.ts';
export { ExponentialBackoff } from './backoff.ts';
export {
  parseApiVersion,
  formatApiVersion,
  gvkOf,
  objectKey,
  objectLabel,
  InvalidObjectError,
} from './group-version-kind.ts';
export type { GroupVersionKind, ApiResource } from './group-version-kind.ts';
export { watcher } from './watcher.ts';
export type { WatcherEvent, WatcherDiagnostic, WatcherOptions } from './watcher.ts';
export { CacheNotSyncedError, Reflector, watchScope } from './reflector.ts';
export type { StoreEvent, StoreEventType, StoreEventHandler, IndexFunction, ReflectorOptions } from './reflector.ts';
export { StatusPatcher } from './status-patcher.ts';
export type { StatusWrite, StatusPatcherOptions } from './status-patcher.ts';
export { WrittenStatuses } from './written-status.ts';
export { currentReconcile } from './reconcile-context.ts';
export type { ReconcileContext } from './reconcile-context.ts';
export { EventRecorder } from './events.ts';
export type { EventInput, EventType, EventRecorderOptions } from './events.ts';
export { ResourceManager } from './resource-manager/apply.ts';
export type { ResourceManagerOptions, ApplyAllOptions } from './resource-manager/apply.ts';
export { ChangeSet, changeSetEntry, identityOf, subjectOf } from './resource-manager/change-set.ts';
export type { ChangeSetAction, ChangeSetEntry, ObjectIdentity } from './resource-manager/change-set.ts';
export { stageOf, splitIntoStages } from './resource-manager/stages.ts';
export type { Stage } from './resource-manager/stages.ts';
export { prune } from './resource-manager/prune.ts';
export type { PruneOptions } from './resource-manager/prune.ts';
export { waitForCurrent } from './resource-manager/wait.ts';
export type { WaitOptions, ObjectStatus } from './resource-manager/wait.ts';
export {
  inventoryOf,
  inventoryEntryOf,
  staleEntries,
  formatInventoryId,
  parseInventoryEntry,
  InventoryIdError,
} from './resource-manager/inventory.ts';
export type { InventoryEntry } from './resource-manager/inventory.ts';
export { defaultTakeOverManagers } from './resource-manager/field-managers.ts';
export type { FieldManagerMatch } from './resource-manager/field-managers.ts';
export {
  ApplyValidationError,
  ApplyError,
  PruneError,
  WaitTimeoutError,
  WaitFailedError,
  WaitCancelledError,
} from './resource-manager/errors.ts';
export type { RejectedObject } from './resource-manager/errors.ts';
export { CrdNotEstablishedError } from './resource-manager/crd-established.ts';
// --- controller half: work queue, controller, conditions, kstatus, flags, logs, metrics, health, leader election, manager ---
export { WorkQueue, defaultJitterRatio } from './work-queue.ts';
export type { WorkOutcome, KeyWorker, WorkQueueOptions } from './work-queue.ts';
export {
  Controller,
  TerminalError,
  isTerminalError,
  objectKeyToString,
  parseObjectKey,
  defaultConcurrency,
  defaultMinRetryDelayMs,
  defaultMaxRetryDelayMs,
} from './controller.ts';
export type { ObjectKey, Reconciler, ReconcileResult, ControllerOptions } from './controller.ts';
export {
  getCondition,
  isTrue,
  isFalse,
  hasCondition,
  setCondition,
  removeCondition,
  markReady,
  markReconciling,
  markStalled,
  markFailed,
  setObservedGeneration,
  reconcileRequestedAt,
  isReconcileRequestPending,
  setLastHandledReconcileAt,
  formatConditionTime,
  ReadyCondition,
  ReconcilingCondition,
  StalledCondition,
  ProgressingReason,
  ProgressingWithRetryReason,
  ReconcileRequestAnnotation,
} from './conditions.ts';
export type { Condition, ConditionStatus, ConditionUpdate, ObjectWithConditions } from './conditions.ts';
export { computeStatus, podScheduleWindowMs } from './kstatus.ts';
export type { KStatus, KStatusResult, ComputeStatusOptions } from './kstatus.ts';
export {
  FlagSet,
  FlagError,
  HelpRequested,
  runtimeFlags,
  runtimeOptionsFromFlags,
  parseFlagsOrExit,
  stringFlag,
  intFlag,
  floatFlag,
  boolFlag,
  durationFlag,
} from './flags.ts';
export type { FlagDefinition, FlagDefinitions, FlagValues, RuntimeFlagValues, RuntimeOptions } from './flags.ts';
export { parseGoDuration, formatGoDuration, DurationError } from './go-duration.ts';
export { createLogger, silentLogger, logLevels, logEncodings } from './logger.ts';
export type { Logger, LogLevel, LogEncoding, LoggerOptions } from './logger.ts';
export { redactForLog, redactLogLine, redactUrlCredentials, isSensitiveKey, redactedValue } from './log-redaction.ts';
export { RuntimeMetrics } from './metrics.ts';
export type { ReconcileResultLabel, RuntimeMetricsOptions, MetricsObject } from './metrics.ts';
export { startMetricsServer } from './metrics-server.ts';
export { HealthChecks, startHealthServer, defaultCheckTimeoutMs } from './health-server.ts';
export type { HealthCheck, CheckOutcome } from './health-server.ts';
export { parseListenAddress, listenHttp, ListenAddressError } from './http-listener.ts';
export type { ListenAddress, RunningHttpServer } from './http-listener.ts';
export { LeaderElector, LeaderElectionError } from './leader-election.ts';
export type { LeaderElectionOptions } from './leader-election.ts';
export { Manager, runtimeNamespace, defaultGracefulShutdownMs } from './manager.ts';
export type { ManagerOptions, ManagerLeaderElectionOptions, Runnable, StopReason } from './manager.ts';
export { runControllerMain, kubeconfigFlag } from './controller-main.ts';
export type { ControllerMainOptions, ControllerProcess } from './controller-main.ts';
export { apiServerReachableCheck } from './api-server-check.ts';
// --- git: run the system git with credentials from a Secret (never in argv), in its own process group ---
export { runGit, GitCommandError } from './git/git-command.ts';
export type { GitCommandOptions, GitCommandResult } from './git/git-command.ts';
export {
  prepareGitTransport,
  validateGitAccess,
  systemCaBundle,
  keyDirectoryPrefix,
  GitCredentialsError,
} from './git/git-transport.ts';
export type {
  GitCredentials,
  GitTlsMaterial,
  GitProxy,
  GitTransportExtras,
  GitTransport,
} from './git/git-transport.ts';
export { resolveGitAccess, readSecret, SecretError } from './git/git-secrets.ts';
export type { GitAccess } from './git/git-secrets.ts';
export { recogniseTlsFailure, tlsFailureHeadline } from './git/git-tls-failure.ts';
export type { GitTlsSettings, TlsFailure, TlsFailureKind } from './git/git-tls-failure.ts';
export { redactUrl, redactText } from './git/redact.ts';
// --- git over smart HTTP in-process: ls-remote as one GET of info/refs ---
export { listRemoteRefs, isHttpGitUrl, GitRemoteError } from './git/git-http-ls-remote.ts';
export type { GitRemoteRefs, ListRemoteRefsOptions, GitRemoteErrorKind } from './git/git-http-ls-remote.ts';
export { GitHttpError } from './git/git-http-request.ts';
export type { GitHttpErrorKind } from './git/git-http-request.ts';
export { peeledRefMap } from './git/ref-advertisement.ts';
export { fetchTreeInProcess, canFetchTreeInProcess } from './git/git-http-fetch.ts';
export type { FetchTreeOptions, FetchedCommit } from './git/git-http-fetch.ts';
export type { GitRemoteRef, GitRefAdvertisement } from './git/ref-advertisement.ts';
export { authenticationFailureLine, lastGitLines } from './git/git-failure.ts';
// --- pure helpers any controller may need ---
export {
  parseSemVer,
  compareSemVer,
  parseSemVerRange,
  satisfies,
  highestSatisfyingTag,
  SemVerRangeError,
} from './semver-range.ts';
export type { SemVer, SemVerRange } from './semver-range.ts';
// --- artifacts: download by URL, verify the digest, unpack a tar.gz safely ---
export { fetchArtifact, verifyDigest, ArtifactFetchError, defaultMaxArtifactBytes } from './artifact-fetch.ts';
export type { FetchArtifactOptions, FetchedArtifact } from './artifact-fetch.ts';
export { untar, readTarEntries, normalizeEntryPath, UnsafeArchiveError } from './safe-untar.ts';
export type { TarEntry, UntarResult } from './safe-untar.ts';
export { HealthWaits } from './health-waits.ts';
// --- OCI registry client: references, dockerconfigjson credentials, token flow, manifests, tags, blobs ---
export * from './oci/index.ts';
