// fluxion get: Flux objects of one kind, or of every installed kind, with readiness and revision; --watch follows changes.
import { watcher } from '@fluxion/runtime/client';
import { booleanFlag, stringFlag } from '../args.ts';
import { FailedError, UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { revisionOf, selectKinds, type FluxObject } from '../flux-kinds.ts';
import { gvkOfKind, listKind, notFoundError } from '../flux-objects.ts';
import type { ServedKind } from '../installed-kinds.ts';
import { readyView } from '../ready-state.ts';
import { renderObjects } from '../render.ts';
import { renderRow, renderTable } from '../table.ts';
import type { Terminal } from '../terminal.ts';

interface Listing {
  kind: ServedKind;
  objects: FluxObject[];
}

export async function run(context: CommandContext): Promise<number> {
  const selection = selectKinds(context.args, true);
  const cluster = context.cluster();
  const installed = await context.installedKinds();
  const kinds = selection.many ? installed.filter(selection.kinds) : [installed.require(selection.kinds[0]!)];
  const names = selection.rest;
  if (names.length && selection.many)
    throw new UsageError('names can be given for one kind only, e.g. fluxion get ks podinfo');
  const namespace = cluster.allNamespaces ? undefined : cluster.namespace;
  const statusSelector = parseStatusSelector(stringFlag(context.flags, 'status-selector'));
  if (booleanFlag(context.flags, 'watch')) return watch(context, kinds, namespace, names, selection.many);

  const listings: Listing[] = await Promise.all(
    kinds.map(async (kind) => ({ kind, objects: await listKind(cluster, kind, namespace) })),
  );
  for (const listing of listings) {
    if (names.length) {
      const missing = names.filter((name) => !listing.objects.some((object) => object.metadata?.name === name));
      if (missing[0] !== undefined)
        throw await notFoundError(cluster, listing.kind, missing[0], namespace ?? cluster.namespace);
      listing.objects = listing.objects.filter((object) => names.includes(object.metadata?.name ?? ''));
    }
    if (statusSelector)
      listing.objects = listing.objects.filter((object) => readyView(object).ready === statusSelector);
  }
  const everything = listings.flatMap((listing) => listing.objects);
  if (context.output !== 'table') {
    context.terminal.out(renderObjects(everything, context.output, !(names.length === 1 && everything.length === 1)));
    return 0;
  }
  const printed = listings.filter((listing) => listing.objects.length > 0);
  if (printed.length === 0) {
    const where = namespace ? `namespace ${namespace}` : 'any namespace';
    context.terminal.err(`no ${kinds.map((kind) => kind.kind).join(', ')} objects found in ${where}\n`);
    return 0;
  }
  context.terminal.out(
    printed
      .map((listing) =>
        renderTable(
          headersFor(listing.kind, namespace === undefined),
          rowsFor(listing, namespace === undefined, selection.many, context.terminal),
        ),
      )
      .join('\n'),
  );
  return 0;
}

function parseStatusSelector(text: string | undefined): 'True' | 'False' | 'Unknown' | undefined {
  if (!text) return undefined;
  const match = /^ready=(true|false|unknown)$/i.exec(text);
  if (!match)
    throw new UsageError(`--status-selector: expected ready=true, ready=false or ready=unknown, got "${text}"`);
  const value = (match[1] as string).toLowerCase();
  return value === 'true' ? 'True' : value === 'false' ? 'False' : 'Unknown';
}

function hasRevision(kind: ServedKind): boolean {
  return kind.group !== 'notification.toolkit.fluxcd.io';
}

function headersFor(kind: ServedKind, allNamespaces: boolean): string[] {
  return [
    ...(allNamespaces ? ['NAMESPACE'] : []),
    'NAME',
    ...(hasRevision(kind) ? ['REVISION'] : []),
    'SUSPENDED',
    'READY',
    'MESSAGE',
  ];
}

function rowsFor(listing: Listing, allNamespaces: boolean, prefixKind: boolean, terminal: Terminal): string[][] {
  return [...listing.objects]
    .sort(
      (a, b) =>
        (a.metadata?.namespace ?? '').localeCompare(b.metadata?.namespace ?? '') ||
        (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
    )
    .map((object) => rowOf(listing.kind, object, allNamespaces, prefixKind, terminal));
}

function rowOf(
  kind: ServedKind,
  object: FluxObject,
  allNamespaces: boolean,
  prefixKind: boolean,
  terminal: Terminal,
): string[] {
  const view = readyView(object);
  const ready =
    view.ready === 'True'
      ? terminal.green('True')
      : view.ready === 'False'
        ? terminal.red('False')
        : terminal.yellow('Unknown');
  const name = `${prefixKind ? `${kind.kind.toLowerCase()}/` : ''}${object.metadata?.name ?? ''}`;
  return [
    ...(allNamespaces ? [object.metadata?.namespace ?? ''] : []),
    name,
    ...(hasRevision(kind) ? [revisionOf(object)] : []),
    view.suspended ? 'True' : 'False',
    ready,
    view.message.replaceAll('\n', ' '),
  ];
}

/** Prints the current table, then one row each time an object changes, until Ctrl-C. */
async function watch(
  context: CommandContext,
  kinds: ServedKind[],
  namespace: string | undefined,
  names: string[],
  many: boolean,
): Promise<number> {
  const cluster = context.cluster();
  const allNamespaces = namespace === undefined;
  const lastRow = new Map<string, string>();
  let headerPrinted = false;
  const widths = [allNamespaces ? 20 : undefined, many ? 40 : 24, 52, 9, 7].filter(
    (width): width is number => width !== undefined,
  );
  const printRow = (kind: ServedKind, object: FluxObject): void => {
    if (names.length && !names.includes(object.metadata?.name ?? '')) return;
    const key = `${kind.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    const cells = rowOf(kind, object, allNamespaces, many, context.terminal);
    const row = renderRow(hasRevision(kind) ? widths : widths.filter((_, index) => index !== widths.length - 3), cells);
    if (lastRow.get(key) === row) return;
    lastRow.set(key, row);
    if (!headerPrinted) {
      context.terminal.out(renderRow(widths, headersFor(kinds[0]!, allNamespaces)));
      headerPrinted = true;
    }
    context.terminal.out(row);
  };
  const failures: unknown[] = [];
  await Promise.all(
    kinds.map(async (kind) => {
      try {
        for await (const event of watcher<FluxObject & { metadata: object }>(cluster.client, gvkOfKind(kind), {
          namespace,
          signal: context.signal,
        })) {
          if (event.type === 'InitApply' || event.type === 'Apply') printRow(kind, event.object);
        }
      } catch (error) {
        if (!context.signal.aborted) failures.push(error);
      }
    }),
  );
  if (failures.length) throw failures[0];
  if (!headerPrinted && names.length) throw new FailedError(`${names.join(', ')} not found`);
  return 0;
}
