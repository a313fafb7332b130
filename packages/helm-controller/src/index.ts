// @fluxion/helm-controller: the HelmRelease controller and its pure steps.
export {
  setupHelmReleaseController,
  ControllerName,
  type HelmReleaseControllerOptions,
  type HelmReleaseControllerHandle,
} from './helmrelease-controller.ts';
export { HelmReleaseReconciler, type HelmReleaseReconcilerOptions } from './helmrelease-reconciler.ts';
export { main, helmControllerFlags } from './main.ts';
export { HelmCli, HelmCommandError, helmErrorMessage, pluginsDir, type HelmRunner } from './helm-cli.ts';
export { HelmHelper, type HelmHelperOptions } from './helm-helper.ts';
export { findHelmHelper, helperKey } from './helm-helper-binary.ts';
export {
  installArgs,
  upgradeArgs,
  rollbackArgs,
  uninstallArgs,
  testArgs,
  releaseNameOf,
  releaseNamespaceOf,
  storageNamespaceOf,
  NameLabel,
  NamespaceLabel,
} from './helm-args.ts';
export { composeValues, mergeValues, ValuesError } from './values.ts';
export { setValueAtPath } from './values-path.ts';
export { postRender, PostRenderError } from './post-render.ts';
export { decide, onFailure, isOwnedBy, snapshotOf } from './release-decision.ts';
export { listReleases, decodeStorageSecret, unlockRelease, type StoredRelease } from './release-storage.ts';
export {
  Reason,
  ReleasedCondition,
  TestSuccessCondition,
  RemediatedCondition,
  RevisionAnnotation,
  TokenAnnotation,
} from './reasons.ts';
