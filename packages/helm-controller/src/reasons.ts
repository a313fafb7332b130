// helm-controller's condition types and reasons, as Flux names them.
export const ReleasedCondition = 'Released';
export const TestSuccessCondition = 'TestSuccess';
export const RemediatedCondition = 'Remediated';

export const Reason = {
  InstallSucceeded: 'InstallSucceeded',
  InstallFailed: 'InstallFailed',
  UpgradeSucceeded: 'UpgradeSucceeded',
  UpgradeFailed: 'UpgradeFailed',
  TestSucceeded: 'TestSucceeded',
  TestFailed: 'TestFailed',
  RollbackSucceeded: 'RollbackSucceeded',
  RollbackFailed: 'RollbackFailed',
  UninstallSucceeded: 'UninstallSucceeded',
  UninstallFailed: 'UninstallFailed',
  ArtifactFailed: 'ArtifactFailed',
  InitFailed: 'InitFailed',
  GetLastReleaseFailed: 'GetLastReleaseFailed',
  DependencyNotReady: 'DependencyNotReady',
  ValuesError: 'ValuesError',
  RetriesExceeded: 'RetriesExceeded',
  DriftDetected: 'DriftDetected',
  DriftCorrected: 'DriftCorrected',
  ReleaseUnlocked: 'PendingReleaseUnlocked',
  ReleaseNotOwned: 'ReleaseNotOwned',
  UnsupportedField: 'UnsupportedField',
  Progressing: 'Progressing',
  PostRenderFailed: 'PostRenderFailed',
} as const;

/** Annotations Flux's helm-controller events carry: the chart version, and the values digest as token. */
export const RevisionAnnotation = 'helm.toolkit.fluxcd.io/revision';
export const TokenAnnotation = 'helm.toolkit.fluxcd.io/token';
/** `flux reconcile hr --force`: one upgrade even when nothing changed. */
export const ForceRequestAnnotation = 'reconcile.fluxcd.io/forceAt';
/** `flux reconcile hr --reset`: failure counters back to zero. */
export const ResetRequestAnnotation = 'reconcile.fluxcd.io/resetAt';
export const Finalizer = 'finalizers.fluxcd.io';
