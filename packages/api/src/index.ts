// @fluxion/api: Flux-compatible CRDs, the models generated from them, and the shared vocabulary.
export type * from './generated/index.ts';
export type { CrdManifest, CrdVersionManifest, JsonSchema } from './crd-manifest.ts';
export * from './constants.ts';
export * from './image-constants.ts';
export { crdPaths, loadCrds, loadCrdFile } from './crd-files.ts';
export { installCrds } from './install-crds-lazy.ts';
export { CrdInstallError } from './crd-install-error.ts';
export type { InstallCrdsOptions } from './install-crds.ts';
