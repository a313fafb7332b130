// The manifest and layer media types the client knows, and the Accept header it sends for manifests.

export const ociImageIndex = 'application/vnd.oci.image.index.v1+json';
export const ociImageManifest = 'application/vnd.oci.image.manifest.v1+json';
export const dockerManifestList = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const dockerManifest = 'application/vnd.docker.distribution.manifest.v2+json';
export const ociEmptyConfig = 'application/vnd.oci.empty.v1+json';
export const ociLayerTarGzip = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const dockerLayerTarGzip = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

export const manifestMediaTypes: readonly string[] = [
  ociImageManifest,
  dockerManifest,
  ociImageIndex,
  dockerManifestList,
];
export const indexMediaTypes: readonly string[] = [ociImageIndex, dockerManifestList];

export function isIndexMediaType(mediaType: string): boolean {
  return indexMediaTypes.includes(mediaType);
}
