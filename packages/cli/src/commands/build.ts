// fluxion build ks <name>: the YAML the Kustomization would apply, built locally from its artifact or --path.
import { renderYaml } from 'kustomize-ts';
import { stringFlag } from '../args.ts';
import { UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { buildLocally, loadKustomization } from '../local-build.ts';

export async function run(context: CommandContext): Promise<number> {
  const name = context.args[0];
  if (!name && !stringFlag(context.flags, 'kustomization-file'))
    throw new UsageError('name the Kustomization: fluxion build ks <name>');
  const cluster = context.cluster();
  const installed = await context.installedKinds();
  const kustomization = await loadKustomization(cluster, installed, name ?? '', context.flags);
  const built = await buildLocally(cluster, installed, kustomization, { path: stringFlag(context.flags, 'path') });
  context.terminal.out(renderYaml(built.objects));
  return 0;
}
