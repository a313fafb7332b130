// fluxion diff ks <name>: what applying the local build (or a git ref) would change, by server-side dry-run; exit 1 on changes.
import { isNotFound, parseInventoryEntry } from '@fluxion/runtime/client';
import type { KObject } from 'kustomize-ts';
import { stringFlag } from '../args.ts';
import { UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { buildLocally, loadKustomization } from '../local-build.ts';
import { diffObjects } from '../object-diff.ts';
import type { Terminal } from '../terminal.ts';

const fieldManager = 'kustomize-controller';

export async function run(context: CommandContext): Promise<number> {
  const name = context.args[0];
  if (!name && !stringFlag(context.flags, 'kustomization-file'))
    throw new UsageError('name the Kustomization: fluxion diff ks <name> [--path dir | --revision ref]');
  const path = stringFlag(context.flags, 'path');
  const revision = stringFlag(context.flags, 'revision');
  if (path && revision) throw new UsageError('give --path or --revision, not both');
  const cluster = context.cluster();
  const installed = await context.installedKinds();
  const kustomization = await loadKustomization(cluster, installed, name ?? '', context.flags);
  const built = await buildLocally(cluster, installed, kustomization, { path, revision });
  const t = context.terminal;
  const defaultNamespace =
    (kustomization.spec?.['targetNamespace'] as string | undefined) ??
    kustomization.metadata?.namespace ??
    cluster.namespace;
  let changes = 0;
  const seen = new Set<string>();
  for (const object of built.objects) {
    const resource = await cluster.client.resourceFor({
      ...splitApiVersion(object.apiVersion ?? ''),
      kind: object.kind ?? '',
    });
    const namespace = resource.namespaced ? (object.metadata?.namespace ?? defaultNamespace) : undefined;
    const target: KObject = { ...object, metadata: { ...object.metadata, ...(namespace ? { namespace } : {}) } };
    const subject = `${object.kind}/${namespace ? `${namespace}/` : ''}${object.metadata?.name ?? ''}`;
    seen.add(`${namespace ?? ''}_${object.metadata?.name}_${resource.group}_${object.kind}`);
    const ref = {
      apiVersion: object.apiVersion ?? '',
      kind: object.kind ?? '',
      name: object.metadata?.name ?? '',
      namespace,
    };
    const live = await cluster.client.getIfExists(ref);
    const applied = await cluster.client.apply(target as never, { fieldManager, force: true, dryRun: true });
    if (!live) {
      changes++;
      t.out(`${t.green('►')} ${subject} created\n`);
      continue;
    }
    const diff = diffObjects(
      live as unknown as Record<string, unknown>,
      applied as unknown as Record<string, unknown>,
      subject,
    );
    if (!diff) continue;
    changes++;
    t.out(`${t.yellow('►')} ${subject} drifted\n${colourDiff(diff, t)}`);
  }
  if (kustomization.spec?.['prune'] === true) {
    const inventory = kustomization.status?.['inventory'] as { entries?: Array<{ id: string; v: string }> } | undefined;
    for (const entry of inventory?.entries ?? []) {
      if (seen.has(entry.id)) continue;
      const identity = parseInventoryEntry(entry);
      try {
        const apiVersion = identity.group ? `${identity.group}/${entry.v}` : entry.v;
        await cluster.client.get({
          apiVersion,
          kind: identity.kind,
          name: identity.name,
          namespace: identity.namespace || undefined,
        });
      } catch (error) {
        if (isNotFound(error)) continue;
        throw error;
      }
      changes++;
      t.out(
        `${t.red('►')} ${identity.kind}/${identity.namespace ? `${identity.namespace}/` : ''}${identity.name} deleted\n`,
      );
    }
  }
  t.err(
    changes
      ? `${changes} object${changes === 1 ? '' : 's'} would change (${built.origin})\n`
      : `✔ no changes (${built.origin})\n`,
  );
  return changes ? 1 : 0;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function colourDiff(diff: string, t: Terminal): string {
  return diff
    .split('\n')
    .map((line) =>
      line.startsWith('+') && !line.startsWith('+++')
        ? t.green(line)
        : line.startsWith('-') && !line.startsWith('---')
          ? t.red(line)
          : line,
    )
    .join('\n');
}
