// The vocabulary of the image.toolkit.fluxcd.io API group: ImageRepository, ImagePolicy, ImageUpdateAutomation.

export const ImageGroup = 'image.toolkit.fluxcd.io';
export const ImageApiVersion = 'image.toolkit.fluxcd.io/v1';

export const ImageKind = {
  ImageRepository: 'ImageRepository',
  ImagePolicy: 'ImagePolicy',
  ImageUpdateAutomation: 'ImageUpdateAutomation',
} as const;
export type ImageKind = (typeof ImageKind)[keyof typeof ImageKind];

/** Plural resource names, for URLs and RBAC rules. */
export const ImagePlural = {
  ImageRepository: 'imagerepositories',
  ImagePolicy: 'imagepolicies',
  ImageUpdateAutomation: 'imageupdateautomations',
} as const;

/** The tag-exclusion list an ImageRepository gets when it sets none: cosign signature tags. */
export const DefaultExclusionList: readonly string[] = ['^.*\\.sig$'];

/** Condition reasons the image controllers use in addition to the shared ones. */
export const ImageReason = {
  ImageURLInvalid: 'ImageURLInvalid',
  AuthenticationFailed: 'AuthenticationFailed',
  AccessDenied: 'AccessDenied',
  DependencyNotReady: 'DependencyNotReady',
  InvalidPolicy: 'InvalidPolicy',
  ReadOperationFailed: 'ReadOperationFailed',
  Failure: 'Failure',
  Scanning: 'Scanning',
  AccessingRepository: 'AccessingRepository',
  ApplyingPolicy: 'ApplyingPolicy',
  Succeeded: 'Succeeded',
  Suspended: 'Suspended',
  NewGeneration: 'NewGeneration',
} as const;
export type ImageReason = (typeof ImageReason)[keyof typeof ImageReason];
