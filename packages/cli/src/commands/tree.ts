// fluxion tree ks <name>: the Kustomization's inventory as a tree; Kustomizations it applied are expanded in place.
import { isNotFound, parseInventoryEntry } from '@fluxion/runtime/client';
import { UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { findKindByName, type FluxObject } from '../flux-kinds.ts';
import { getFluxObject } from '../flux-objects.ts';
import type { ServedKind } from '../installed-kinds.ts';
import { renderObjects } from '../render.ts';

interface TreeNode {
  kind: string;
  namespace: string;
  name: string;
  children: TreeNode[];
}

export async function run(context: CommandContext): Promise<number> {
  const [word, name] = context.args;
  if (!word || !['ks', 'kustomization', 'kustomizations'].includes(word.toLowerCase())) {
    throw new UsageError('tree works on Kustomizations: fluxion tree ks <name>');
  }
  if (!name) throw new UsageError('name the Kustomization: fluxion tree ks <name>');
  const cluster = context.cluster();
  const kind = (await context.installedKinds()).require(findKindByName('Kustomization')!);
  const root = await getFluxObject(cluster, kind, name, cluster.namespace);
  const tree = await expand(context, kind, root, new Set());
  if (context.output !== 'table') {
    context.terminal.out(renderObjects([tree], context.output, false));
    return 0;
  }
  const lines = [label(tree)];
  const walk = (node: TreeNode, prefix: string): void => {
    node.children.forEach((child, index) => {
      const last = index === node.children.length - 1;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${label(child)}`);
      walk(child, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  walk(tree, '');
  context.terminal.out(`${lines.join('\n')}\n`);
  return 0;
}

function label(node: TreeNode): string {
  return node.namespace ? `${node.kind}/${node.namespace}/${node.name}` : `${node.kind}/${node.name}`;
}

async function expand(
  context: CommandContext,
  kind: ServedKind,
  object: FluxObject,
  seen: Set<string>,
): Promise<TreeNode> {
  const node: TreeNode = {
    kind: 'Kustomization',
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
    children: [],
  };
  seen.add(`${node.namespace}/${node.name}`);
  const inventory = object.status?.['inventory'] as { entries?: Array<{ id: string; v: string }> } | undefined;
  for (const entry of inventory?.entries ?? []) {
    const identity = parseInventoryEntry(entry);
    const child: TreeNode = { kind: identity.kind, namespace: identity.namespace, name: identity.name, children: [] };
    const nested =
      identity.kind === 'Kustomization' &&
      identity.group === kind.group &&
      !seen.has(`${identity.namespace}/${identity.name}`);
    if (nested) {
      try {
        const nestedObject = await getFluxObject(context.cluster(), kind, identity.name, identity.namespace);
        node.children.push(await expand(context, kind, nestedObject, seen));
        continue;
      } catch (error) {
        if (!isNotFound(error) && !(error instanceof Error && error.message.includes('not found'))) throw error;
      }
    }
    node.children.push(child);
  }
  return node;
}
