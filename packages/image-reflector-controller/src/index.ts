// image-reflector-controller's building blocks: tag policies, canonical image names, the tag store, the reconcilers.
export { parseImageReference, type ImageReference } from './image-reference.ts';
export { compileTagPolicy, InvalidPolicyReason, NoMatchingTagReason, type TagPolicy } from './tag-policy.ts';
export { compileExclusionList, type ExclusionList } from './exclusion-list.ts';
export { compileGoRegexp, expandTemplate, GoRegexpError } from './go-regexp.ts';
export { ImageError } from './image-error.ts';
export { TagStore, latestTags, tagListRevision, type StoredTags } from './tag-store.ts';
export { accessFromAllows } from './access-from.ts';
export { planImageRepository, type ImageRepositoryPlan } from './imagerepository-spec.ts';
export type { ImageRegistry, RegistryAccess } from './registry.ts';
export { ImageRepositoryReconciler, type ResolveRegistryAccess } from './imagerepository-reconciler.ts';
export { ImagePolicyReconciler, describeChange, repositoryKeyOf } from './imagepolicy-reconciler.ts';
export { setupImageReflector, type ImageReflector, type ImageReflectorOptions } from './image-reflector.ts';
export { OciImageRegistry, type OciImageRegistryOptions } from './oci-image-registry.ts';
export { resolveRegistryAccess } from './registry-access.ts';
export { imageReflectorFlags, main } from './main.ts';
