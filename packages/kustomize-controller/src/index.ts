// @fluxion/kustomize-controller: the Kustomization controller and its pure steps.
export {
  setupKustomizationController,
  ControllerName,
  defaultSourceKinds,
  type KustomizationControllerOptions,
  type KustomizationControllerHandle,
} from './kustomization-controller.ts';
export {
  KustomizationReconciler,
  RevisionAnnotation,
  type KustomizationReconcilerOptions,
} from './kustomization-reconciler.ts';
export { main, kustomizeControllerFlags, parseFeatureGates } from './main.ts';
// Flux's build (generated kustomization, spec overrides, postBuild substitution) lives in kustomize-ts, shared with the CLI.
export {
  buildManifests,
  BuildError,
  findOrGenerateKustomization,
  kustomizationFileNames,
  applyOverrides,
  OverrideError,
  envsubst,
  EnvsubstError,
  substituteVariables,
  mergeVariables,
  SubstitutionError,
  SubstituteAnnotation,
} from 'kustomize-ts';
export { inventoryFromObjects, diffInventory, mergeInventories, inventoryRefs } from './inventory.ts';
export {
  checkDependencies,
  dependencyKeys,
  dependentsOf,
  dependentsBlockingTeardown,
  DependencyNotReadyError,
  DependencyCycleError,
} from './dependencies.ts';
export {
  ssaPolicyOf,
  isForceEnabled,
  isPruneDisabled,
  SsaAnnotation,
  ForceAnnotation,
  PruneAnnotation,
  ReconcileAnnotation,
  type SsaPolicy,
} from './apply-policy.ts';
export { NameLabel, NamespaceLabel, ownerLabels, stampMetadata } from './common-metadata.ts';
export { KustomizationFinalizer, deletesObjects } from './finalize.ts';
export { FieldManager } from './apply-set.ts';
