// What `create` does with the object it built: print it (--export), or apply it and wait until it is ready.
import { booleanFlag, stringFlag } from './args.ts';
import type { CommandContext } from './command.ts';
import { findKindByName, type FluxObject } from './flux-kinds.ts';
import { awaitOutcome } from './reconcile-request.ts';
import { yamlDocuments } from './render.ts';

export async function exportOrApply(context: CommandContext, object: FluxObject): Promise<number> {
  if (booleanFlag(context.flags, 'export')) {
    context.terminal.out(yamlDocuments([object]));
    return 0;
  }
  const cluster = context.cluster();
  const kind = (await context.installedKinds()).require(findKindByName(object.kind ?? '')!);
  const name = object.metadata?.name ?? '';
  const namespace = object.metadata?.namespace ?? cluster.namespace;
  await cluster.client.apply(
    { ...object, metadata: { ...object.metadata, name } },
    { fieldManager: 'fluxion', force: true },
  );
  context.terminal.err(`✚ ${kind.kind} ${namespace}/${name} applied\n`);
  return awaitOutcome(context, kind, name, namespace, undefined);
}

/** The namespace for a new object: -n, else the context's, else flux-system, without reading a kubeconfig for --export. */
export function namespaceFor(context: CommandContext): string {
  const flag = stringFlag(context.flags, 'namespace');
  if (flag) return flag;
  if (booleanFlag(context.flags, 'export')) return 'flux-system';
  return context.cluster().namespace;
}
