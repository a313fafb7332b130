// The toolkit kinds an Alert or Receiver may name, and the API version used when a reference gives none.
export const defaultApiVersions: Readonly<Record<string, string>> = {
  GitRepository: 'source.toolkit.fluxcd.io/v1',
  OCIRepository: 'source.toolkit.fluxcd.io/v1',
  HelmRepository: 'source.toolkit.fluxcd.io/v1',
  HelmChart: 'source.toolkit.fluxcd.io/v1',
  Bucket: 'source.toolkit.fluxcd.io/v1',
  Kustomization: 'kustomize.toolkit.fluxcd.io/v1',
  HelmRelease: 'helm.toolkit.fluxcd.io/v2',
  ImageRepository: 'image.toolkit.fluxcd.io/v1beta2',
  ImagePolicy: 'image.toolkit.fluxcd.io/v1beta2',
  ImageUpdateAutomation: 'image.toolkit.fluxcd.io/v1beta2',
  ArtifactGenerator: 'source.extensions.fluxcd.io/v1beta1',
  ExternalArtifact: 'source.toolkit.fluxcd.io/v1',
};

export function apiVersionOf(kind: string, given?: string): string | undefined {
  return given || defaultApiVersions[kind];
}
