// fluxion push artifact oci://host/repo:tag --path dir: a directory as an OCI artifact in Flux's format, for OCIRepository.
import { statSync } from 'node:fs';
import { parseImageReference, isRegistryError } from '@fluxion/runtime/oci';
import { booleanFlag, listFlag, stringFlag } from '../args.ts';
import { CliError, UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import {
  fluxConfigMediaType,
  fluxContentMediaType,
  fluxManifest,
  ociManifestMediaType,
  registryClientFor,
  reproducibleTarGz,
} from '../oci-artifact.ts';

export async function run(context: CommandContext): Promise<number> {
  const url = context.args[0];
  if (!url)
    throw new UsageError('give the artifact: fluxion push artifact oci://<registry>/<repository>:<tag> --path <dir>');
  const path = stringFlag(context.flags, 'path');
  if (!path) throw new UsageError('--path is required: the directory (or file) to push');
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--path: ${path} is not a directory`);
  const reference = parseImageReference(url);
  if (!reference.tag) throw new UsageError(`${url}: name a tag to push to, e.g. ${url}:latest`);
  const source = stringFlag(context.flags, 'source');
  const revision = stringFlag(context.flags, 'revision');
  const client = registryClientFor(reference.registry, context.flags);
  try {
    context.terminal.err(`► pushing artifact to ${reference.registry}/${reference.repository}:${reference.tag}\n`);
    const layerBytes = await reproducibleTarGz(path, listFlag(context.flags, 'ignore-paths'));
    const config = await client.pushBlob(reference.repository, Buffer.from('{}'), fluxConfigMediaType);
    const layer = await client.pushBlob(reference.repository, layerBytes, fluxContentMediaType);
    const annotations: Record<string, string> = {
      'org.opencontainers.image.created': booleanFlag(context.flags, 'reproducible')
        ? '1970-01-01T00:00:00Z'
        : new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      ...(source ? { 'org.opencontainers.image.source': source } : {}),
      ...(revision ? { 'org.opencontainers.image.revision': revision } : {}),
    };
    const pushed = await client.pushManifest(
      reference.repository,
      reference.tag,
      fluxManifest(config, layer, annotations),
      ociManifestMediaType,
    );
    context.terminal.out(
      `${context.terminal.green('✔')} pushed ${reference.registry}/${reference.repository}:${reference.tag}@${pushed.digest}\n`,
    );
    return 0;
  } catch (error) {
    if (isRegistryError(error)) throw new CliError(error.message);
    throw error;
  } finally {
    client.close();
  }
}
