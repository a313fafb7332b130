// Flux's OCI artifact format: a `{}` config of Flux's config media type, one tar+gzip layer of Flux's content type, and
// the source and revision as OCI annotations; plus the reproducible archive of a directory that goes in the layer.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { RegistryClient } from '@fluxion/runtime/oci';
import { booleanFlag, stringFlag, type FlagValue } from './args.ts';
import { UsageError } from './cli-error.ts';

const exec = promisify(execFile);
/** An artifact is manifests, not a disk image: refuse rather than exhaust memory. */
const maxArchiveBytes = 512 * 1024 * 1024;

export const fluxConfigMediaType = 'application/vnd.cncf.flux.config.v1+json';
export const fluxContentMediaType = 'application/vnd.cncf.flux.content.v1.tar+gzip';
export const ociManifestMediaType = 'application/vnd.oci.image.manifest.v1+json';
const tarGzipLayerTypes = [
  fluxContentMediaType,
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
];

/** Equal content gives equal bytes: sorted names, owner 0, mtime 0, and gzip without a timestamp. */
export async function reproducibleTarGz(dir: string, ignore: readonly string[]): Promise<Buffer> {
  const args = [
    '--sort=name',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mtime=@0',
    '--format=gnu',
    '--exclude-vcs',
  ];
  for (const pattern of ignore) args.push(`--exclude=${pattern}`);
  try {
    const { stdout } = await exec('tar', [...args, '-C', dir, '-cf', '-', '.'], {
      encoding: 'buffer',
      maxBuffer: maxArchiveBytes,
    });
    return gzipSync(stdout, { level: 9 });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
      throw new UsageError(
        `--path ${dir} holds more than ${maxArchiveBytes / 1024 / 1024} MiB; push the manifests directory, or leave files out with --ignore-paths`,
      );
    }
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim();
    throw new UsageError(`cannot archive --path ${dir}: ${stderr}`);
  }
}

export function fluxManifest(config: Descriptor, layer: Descriptor, annotations: Record<string, string>): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: ociManifestMediaType,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
      annotations,
    }),
  );
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** Flux's content layer, else the first tar+gzip layer (a plain image works too). */
export function contentLayer(layers: readonly Descriptor[], reference: string): Descriptor {
  const layer =
    layers.find((candidate) => candidate.mediaType === fluxContentMediaType) ??
    layers.find((candidate) => tarGzipLayerTypes.includes(candidate.mediaType));
  if (!layer)
    throw new UsageError(
      `${reference}: no tar+gzip layer (media types: ${layers.map((candidate) => candidate.mediaType).join(', ') || 'none'})`,
    );
  return layer;
}

/** A registry client for the reference's registry, with --creds (user:password) and --insecure-registry. */
export function registryClientFor(registry: string, flags: Record<string, FlagValue>): RegistryClient {
  const creds = stringFlag(flags, 'creds');
  let credentials: { username: string; password: string } | undefined;
  if (creds) {
    const colon = creds.indexOf(':');
    if (colon <= 0) throw new UsageError('--creds: expected <username>:<password>');
    credentials = { username: creds.slice(0, colon), password: creds.slice(colon + 1) };
  }
  return new RegistryClient({
    registry,
    insecure: booleanFlag(flags, 'insecure-registry'),
    userAgent: 'fluxion-cli',
    ...(credentials ? { credentials } : {}),
  });
}
