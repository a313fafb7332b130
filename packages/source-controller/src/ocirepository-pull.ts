// Registry steps of an OCIRepository: resolve the ref to a manifest digest with HEADs only, then (when it changed)
// fetch the manifest, select a layer, download it verified, and extract it safely or keep it as is.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isImageIndex, type Descriptor, type ImageManifest, RegistryClient, RegistryError } from '@fluxion/runtime';
import type { OCIRepositoryPlan } from './ocirepository-spec.ts';
import { highestSatisfyingTag, parseSemVer } from '@fluxion/runtime';
import { extractTarGz, TarExtractError } from './tar-extract.ts';

export type OciPullReason = 'OCIArtifactPullFailed' | 'AuthenticationFailed' | 'OCIArtifactLayerOperationFailed';

export class OciPullError extends Error {
  readonly reason: OciPullReason;
  constructor(reason: OciPullReason, message: string) {
    super(message);
    this.name = 'OciPullError';
    this.reason = reason;
  }
}

export interface ResolvedArtifact {
  tag: string | undefined;
  digest: string;
  /** `<tag>@sha256:<hex>`, or the digest alone for a digest ref. */
  revision: string;
}

export interface PulledLayer {
  /** extract: the directory the layer was unpacked into; copy: the layer file as downloaded. */
  path: string;
  operation: 'extract' | 'copy';
  manifest: ImageManifest;
  layer: Descriptor;
}

export interface PullLimits {
  /** The largest layer downloaded (compressed bytes). */
  maxLayerBytes: number;
  /** The most bytes a layer may unpack to. */
  maxExtractedBytes: number;
}

export const defaultPullLimits: PullLimits = {
  maxLayerBytes: 512 * 1024 * 1024,
  maxExtractedBytes: 1024 * 1024 * 1024,
};

/** The manifest digest the ref points at, from HEAD requests (and a tag list for semver): no blob is fetched. */
export async function resolveArtifact(client: RegistryClient, plan: OCIRepositoryPlan): Promise<ResolvedArtifact> {
  const repository = plan.image.repository;
  const ref = plan.ref;
  return registryStep(`failed to determine the artifact digest of '${describeRef(plan)}'`, async () => {
    if (ref.kind === 'digest') {
      await client.headManifest(repository, ref.digest);
      return { tag: undefined, digest: ref.digest, revision: ref.digest };
    }
    let tag: string;
    if (ref.kind === 'semver') {
      const tags = (await client.listTags(repository)).filter((candidate) => !ref.filter || ref.filter.test(candidate));
      const best = highestSatisfyingTag(
        tags.filter((candidate) => parseSemVer(candidate) !== undefined),
        ref.range,
      );
      if (!best) {
        throw new OciPullError(
          'OCIArtifactPullFailed',
          `no tag of '${plan.url}' matches semver '${ref.source}'${ref.filter ? ` with filter '${ref.filter.source}'` : ''} (${tags.length} tags listed at ${client.urlOf(repository, 'tags')})`,
        );
      }
      tag = best.tag;
    } else tag = ref.tag;
    const head = await client.headManifest(repository, tag);
    return { tag, digest: head.digest, revision: `${tag}@${head.digest}` };
  });
}

/** Downloads the selected layer of the resolved manifest into `workDirectory` and extracts or keeps it. */
export async function pullLayer(
  client: RegistryClient,
  plan: OCIRepositoryPlan,
  resolved: ResolvedArtifact,
  workDirectory: string,
  limits: PullLimits,
): Promise<PulledLayer> {
  const repository = plan.image.repository;
  const manifestUrl = client.urlOf(repository, 'manifests', resolved.digest);
  const fetched = await registryStep(`failed to pull the manifest of '${resolved.revision}'`, () =>
    client.getManifest(repository, resolved.digest),
  );
  if (isImageIndex(fetched.manifest)) {
    throw new OciPullError(
      'OCIArtifactPullFailed',
      `${manifestUrl}: unexpected media type '${fetched.descriptor.mediaType}': an image index, not an artifact manifest; point spec.ref at one of its manifests`,
    );
  }
  const manifest = fetched.manifest;
  const wanted = plan.layerSelector?.mediaType;
  const layer = wanted ? manifest.layers.find((candidate) => candidate.mediaType === wanted) : manifest.layers[0];
  if (!layer) {
    const found = manifest.layers.map((candidate) => candidate.mediaType).join(', ') || 'none';
    throw new OciPullError(
      'OCIArtifactLayerOperationFailed',
      wanted
        ? `${manifestUrl}: no layer of media type '${wanted}' (spec.layerSelector.mediaType); the layers are: ${found}`
        : `${manifestUrl}: the artifact has no layers`,
    );
  }
  const blobUrl = client.urlOf(repository, 'blobs', layer.digest);
  const layerFile = join(workDirectory, 'layer.tar.gz');
  await registryStep(`failed to pull the layer of '${resolved.revision}'`, async () => {
    const blob = await client.openBlob(repository, layer.digest, { maxSize: limits.maxLayerBytes });
    await pipeline(blob, createWriteStream(layerFile, { flags: 'wx', mode: 0o600 }));
  });
  const operation = plan.layerSelector?.operation ?? 'extract';
  if (operation === 'copy') return { path: layerFile, operation, manifest, layer };
  const directory = join(workDirectory, 'content');
  try {
    await extractTarGz(layerFile, directory, {
      maxBytes: limits.maxExtractedBytes,
      refuseEscapingLinks: true,
      label: blobUrl,
    });
  } catch (error) {
    if (error instanceof TarExtractError)
      throw new OciPullError('OCIArtifactLayerOperationFailed', `${error.message} (layer of '${resolved.revision}')`);
    throw error;
  }
  return { path: directory, operation, manifest, layer };
}

function describeRef(plan: OCIRepositoryPlan): string {
  const ref = plan.ref;
  if (ref.kind === 'digest') return `${plan.url}@${ref.digest}`;
  if (ref.kind === 'semver') return `${plan.url} (semver '${ref.source}')`;
  return `${plan.url}:${ref.tag}`;
}

async function registryStep<T>(context: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof RegistryError) {
      const reason =
        error.code === 'Unauthorized' || error.code === 'Denied' || error.code === 'Tls'
          ? 'AuthenticationFailed'
          : 'OCIArtifactPullFailed';
      throw new OciPullError(reason, `${context}: ${error.message}`);
    }
    throw error;
  }
}
