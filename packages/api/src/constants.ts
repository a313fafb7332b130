// The vocabulary Flux's APIs share: groups, versions, kinds, condition types, reasons, annotations.

export const SourceGroup = 'source.toolkit.fluxcd.io';
export const SourceApiVersion = 'source.toolkit.fluxcd.io/v1';
export const KustomizeGroup = 'kustomize.toolkit.fluxcd.io';
export const KustomizeApiVersion = 'kustomize.toolkit.fluxcd.io/v1';

export const Kind = {
  GitRepository: 'GitRepository',
  OCIRepository: 'OCIRepository',
  HelmRepository: 'HelmRepository',
  HelmChart: 'HelmChart',
  Bucket: 'Bucket',
  ExternalArtifact: 'ExternalArtifact',
  Kustomization: 'Kustomization',
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Condition types. Ready, Reconciling and Stalled follow kstatus; the rest belong to one controller. */
export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  /** Kustomization: the last health assessment. */
  Healthy: 'Healthy',
  /** Sources: the artifact is in storage. */
  ArtifactInStorage: 'ArtifactInStorage',
  /** Sources, abnormal-true: the stored artifact is older than the upstream revision. */
  ArtifactOutdated: 'ArtifactOutdated',
  /** Sources: signature or integrity verification result; present only when verification is on. */
  SourceVerified: 'SourceVerified',
  /** Sources, abnormal-true: fetching from upstream failed. */
  FetchFailed: 'FetchFailed',
  /** Sources, abnormal-true: building the artifact failed. */
  BuildFailed: 'BuildFailed',
  /** Sources, abnormal-true: a storage operation failed. */
  StorageOperationFailed: 'StorageOperationFailed',
  /** GitRepository, abnormal-true: an included repository has no artifact. */
  IncludeUnavailable: 'IncludeUnavailable',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** Condition reasons used by the source and kustomize controllers. */
export const Reason = {
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  Suspended: 'Suspended',
  DependencyNotReady: 'DependencyNotReady',
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  ArtifactFailed: 'ArtifactFailed',
  BuildFailed: 'BuildFailed',
  PruneFailed: 'PruneFailed',
  NewRevision: 'NewRevision',
  URLInvalid: 'URLInvalid',
  AuthenticationFailed: 'AuthenticationFailed',
  VerificationError: 'VerificationError',
  DirectoryCreationFailed: 'DirectoryCreationFailed',
  StatOperationFailed: 'StatOperationFailed',
  ReadOperationFailed: 'ReadOperationFailed',
  AcquireLockFailed: 'AcquireLockFailed',
  InvalidPath: 'InvalidPath',
  ArchiveOperationFailed: 'ArchiveOperationFailed',
  SymlinkUpdateFailed: 'SymlinkUpdateFailed',
  ArtifactUpToDate: 'ArtifactUpToDate',
  ArtifactVerificationFailed: 'ArtifactVerificationFailed',
  CacheOperationFailed: 'CacheOperationFailed',
  GitOperationSucceeded: 'GitOperationSucceeded',
  GitOperationFailed: 'GitOperationFailed',
  OCIArtifactPullFailed: 'OCIArtifactPullFailed',
  OCIArtifactLayerOperationFailed: 'OCIArtifactLayerOperationFailed',
  IndexationFailed: 'IndexationFailed',
  ChartPullSucceeded: 'ChartPullSucceeded',
  ChartPackageSucceeded: 'ChartPackageSucceeded',
  BucketOperationSucceeded: 'BucketOperationSucceeded',
  BucketOperationFailed: 'BucketOperationFailed',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** Setting this annotation to a new value asks for a reconcile now (`flux reconcile`, webhook receivers). */
export const ReconcileRequestAnnotation = 'reconcile.fluxcd.io/requestedAt';
/** The finalizer every Flux controller puts on the objects it reconciles. */
export const SourceFinalizer = 'finalizers.fluxcd.io';
export const KustomizationFinalizer = 'finalizers.fluxcd.io';
/** Labels a Kustomization sets on every object it applies. */
export const KustomizeNameLabel = 'kustomize.toolkit.fluxcd.io/name';
export const KustomizeNamespaceLabel = 'kustomize.toolkit.fluxcd.io/namespace';
/** Field manager used when Fluxion installs its own CRDs. */
export const CrdFieldManager = 'fluxion-api';

/** notification.toolkit.fluxcd.io: Provider and Alert are served at v1beta3 (Flux has no v1 for them), Receiver at v1. */
export const NotificationGroup = 'notification.toolkit.fluxcd.io';
export const NotificationApiVersion = 'notification.toolkit.fluxcd.io/v1beta3';
export const ReceiverApiVersion = 'notification.toolkit.fluxcd.io/v1';
export const NotificationKind = {
  Provider: 'Provider',
  Alert: 'Alert',
  Receiver: 'Receiver',
} as const;
export type NotificationKind = (typeof NotificationKind)[keyof typeof NotificationKind];

/** helm-controller's API group: HelmRelease. */
export const HelmGroup = 'helm.toolkit.fluxcd.io';
export const HelmApiVersion = 'helm.toolkit.fluxcd.io/v2';
