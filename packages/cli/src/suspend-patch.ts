// spec.suspend on or off, by a merge patch that touches nothing else.
import type { Cluster } from './cluster.ts';
import type { FluxObject } from './flux-kinds.ts';
import type { ServedKind } from './installed-kinds.ts';

export async function setSuspended(
  cluster: Cluster,
  kind: ServedKind,
  object: FluxObject,
  suspend: boolean,
): Promise<void> {
  await cluster.client.patch(
    {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      name: object.metadata?.name ?? '',
      namespace: object.metadata?.namespace,
    },
    // null removes the field on resume, as Flux leaves it
    { spec: { suspend: suspend ? true : null } },
    'merge',
    { fieldManager: 'fluxion' },
  );
}
