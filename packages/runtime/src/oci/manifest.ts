// The OCI manifest shapes the client reads and writes, and a check that bytes claiming a manifest type are one.
import { RegistryError } from './registry-error.ts';
import { isIndexMediaType, manifestMediaTypes } from './media-types.ts';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: { architecture: string; os: string; variant?: string };
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export type Manifest = ImageManifest | ImageIndex;

export function isImageIndex(manifest: Manifest): manifest is ImageIndex {
  return Array.isArray((manifest as ImageIndex).manifests);
}

/** Parses manifest bytes served as `mediaType`; a type we do not read, or a body that is not that type, is refused. */
export function parseManifest(bytes: Buffer, mediaType: string, url: string): Manifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new RegistryError('Protocol', `${url}: the manifest is not JSON`, { url });
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new RegistryError('Protocol', `${url}: the manifest is not a JSON object`, { url });
  const declared = (parsed as { mediaType?: unknown }).mediaType;
  const type = mediaType || (typeof declared === 'string' ? declared : '');
  if (!manifestMediaTypes.includes(type)) {
    throw new RegistryError(
      'UnsupportedMediaType',
      `${url}: unexpected manifest media type '${type || 'none'}' (want ${manifestMediaTypes.join(', ')})`,
      { url },
    );
  }
  if (isIndexMediaType(type)) {
    if (!Array.isArray((parsed as ImageIndex).manifests))
      throw new RegistryError('Protocol', `${url}: the index has no 'manifests' list`, { url });
  } else if (!Array.isArray((parsed as ImageManifest).layers) || typeof (parsed as ImageManifest).config !== 'object') {
    throw new RegistryError('Protocol', `${url}: the manifest has no 'config' and 'layers'`, { url });
  }
  return parsed as Manifest;
}
