// image-automation-controller's building blocks: the Setters strategy, commit message templates, and the reconciler.
export {
  applySettersToYaml,
  type FileSetterResult,
  type ObjectIdentifier,
  type PolicyImages,
  type SetterChange,
} from './setters.ts';
export { parseMarker, markerValue, type SetterMarker, type SetterField } from './setter-marker.ts';
export {
  updateWithSetters,
  UpdatePathError,
  type UpdateOutcome,
  type UpdateProblem,
  type UpdateResult,
} from './update-files.ts';
export { commitMessage, defaultCommitMessage, type CommitTemplateInput } from './commit-message.ts';
export { renderGoTemplate } from './go-template/exec.ts';
export { TemplateError } from './go-template/lexer.ts';
export { supportedFunctionNames } from './go-template/functions.ts';
export {
  runAutomationGit,
  AutomationGitError,
  type AutomationGitOptions,
  type AutomationGitResult,
} from './automation-git.ts';
export { prepareCommitSigner, SigningKeyError, type CommitSigner } from './commit-signing.ts';
export { ImageUpdateAutomationReconciler, ReconcileFailure } from './imageupdateautomation-reconciler.ts';
export {
  setupImageUpdateAutomationController,
  type ImageUpdateAutomationController,
} from './imageupdateautomation-controller.ts';
export { main, controllerName, imageAutomationFlags } from './main.ts';
