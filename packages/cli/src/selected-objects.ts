// The objects a command names: `<kind> <name...>` or `<kind> --all`, each checked to exist (with suggestions).
import { booleanFlag } from './args.ts';
import { UsageError } from './cli-error.ts';
import type { CommandContext } from './command.ts';
import { selectKinds, type FluxObject } from './flux-kinds.ts';
import { getFluxObject, listKind } from './flux-objects.ts';
import type { ServedKind } from './installed-kinds.ts';

export interface SelectedObjects {
  kind: ServedKind;
  objects: FluxObject[];
}

export async function selectObjects(context: CommandContext, verb: string): Promise<SelectedObjects> {
  const selection = selectKinds(context.args, false);
  const cluster = context.cluster();
  const kind = (await context.installedKinds()).require(selection.kinds[0]!);
  const all = booleanFlag(context.flags, 'all');
  if (all && selection.rest.length) throw new UsageError('give names or --all, not both');
  if (!all && selection.rest.length === 0) throw new UsageError(`name the ${kind.kind} to ${verb}, or give --all`);
  const namespace = cluster.allNamespaces ? undefined : cluster.namespace;
  if (all) return { kind, objects: await listKind(cluster, kind, namespace) };
  const objects = await Promise.all(
    selection.rest.map((name) => getFluxObject(cluster, kind, name, cluster.namespace)),
  );
  return { kind, objects };
}
