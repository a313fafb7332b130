// fluxion pull artifact oci://host/repo:tag --output dir: the content layer downloaded, its digest checked, unpacked.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isImageIndex, parseImageReference, isRegistryError, withDefaultTag } from '@fluxion/runtime/oci';
import { stringFlag } from '../args.ts';
import { CliError, UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { contentLayer, registryClientFor } from '../oci-artifact.ts';

const exec = promisify(execFile);

export async function run(context: CommandContext): Promise<number> {
  const url = context.args[0];
  if (!url)
    throw new UsageError('give the artifact: fluxion pull artifact oci://<registry>/<repository>:<tag> --output <dir>');
  const output = stringFlag(context.flags, 'output');
  if (!output) throw new UsageError('--output is required: where to unpack the artifact');
  const reference = withDefaultTag(parseImageReference(url));
  const tagOrDigest = reference.digest ?? reference.tag ?? 'latest';
  const client = registryClientFor(reference.registry, context.flags);
  const scratch = mkdtempSync(join(tmpdir(), 'fluxion-pull-'));
  try {
    const fetched = await client.getManifest(reference.repository, tagOrDigest);
    if (isImageIndex(fetched.manifest)) throw new CliError(`${url} is an image index, not an artifact`);
    const layer = contentLayer(fetched.manifest.layers, url);
    const bytes = await client.readBlob(reference.repository, layer.digest);
    const tarball = join(scratch, 'layer.tar.gz');
    writeFileSync(tarball, bytes);
    mkdirSync(output, { recursive: true });
    // GNU tar refuses members with `..` and strips leading `/`; owners are not restored
    await exec('tar', ['-xzf', tarball, '-C', output, '--no-same-owner', '--no-same-permissions']);
    context.terminal.out(
      `${context.terminal.green('✔')} pulled ${reference.registry}/${reference.repository}:${tagOrDigest}@${fetched.descriptor.digest} into ${output}\n`,
    );
    return 0;
  } catch (error) {
    if (isRegistryError(error)) throw new CliError(error.message);
    throw error;
  } finally {
    client.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
