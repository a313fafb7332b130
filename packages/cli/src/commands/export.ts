// fluxion export: objects as YAML to apply elsewhere; status and the metadata the server sets are left out.
import type { CommandContext } from '../command.ts';
import type { FluxObject } from '../flux-kinds.ts';
import { yamlDocuments } from '../render.ts';
import { selectObjects } from '../selected-objects.ts';

const droppedAnnotations = ['kubectl.kubernetes.io/last-applied-configuration', 'reconcile.fluxcd.io/requestedAt'];

export async function run(context: CommandContext): Promise<number> {
  const { objects } = await selectObjects(context, 'export');
  const exported = [...objects]
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
    .map(exportable);
  context.terminal.out(yamlDocuments(exported));
  return 0;
}

export function exportable(object: FluxObject): object {
  const annotations = Object.fromEntries(
    Object.entries(object.metadata?.annotations ?? {}).filter(([key]) => !droppedAnnotations.includes(key)),
  );
  const labels = object.metadata?.labels ?? {};
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name: object.metadata?.name,
      namespace: object.metadata?.namespace,
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: object.spec ?? {},
  };
}
