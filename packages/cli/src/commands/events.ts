// fluxion events: core/v1 Events about Flux objects (or one object), oldest first so the newest is next to the prompt.
import { watcher } from '@fluxion/runtime/client';
import { booleanFlag, stringFlag } from '../args.ts';
import { ageOf } from '../age.ts';
import type { CommandContext } from '../command.ts';
import { fluxKinds, selectKinds } from '../flux-kinds.ts';
import { getFluxObject } from '../flux-objects.ts';
import { renderObjects } from '../render.ts';
import { renderRow, renderTable } from '../table.ts';

interface KubeEvent {
  metadata?: { name?: string; namespace?: string };
  involvedObject?: { kind?: string; name?: string; namespace?: string; apiVersion?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
}

const eventGvk = { group: '', version: 'v1', kind: 'Event' };
const fluxGroups = new Set(fluxKinds.map((kind) => kind.group));

export async function run(context: CommandContext): Promise<number> {
  const cluster = context.cluster();
  const namespace = cluster.allNamespaces ? undefined : cluster.namespace;
  let fieldSelector: string | undefined;
  if (context.args.length) {
    const selection = selectKinds(context.args, false);
    const kind = (await context.installedKinds()).require(selection.kinds[0]!);
    const name = selection.rest[0];
    if (name) {
      await getFluxObject(cluster, kind, name, cluster.namespace);
      fieldSelector = `involvedObject.kind=${kind.kind},involvedObject.name=${name}`;
    } else {
      fieldSelector = `involvedObject.kind=${kind.kind}`;
    }
  }
  const type = stringFlag(context.flags, 'types');
  const wanted = (event: KubeEvent): boolean =>
    fluxGroups.has((event.involvedObject?.apiVersion ?? '').split('/')[0] ?? '') && (!type || event.type === type);
  const row = (event: KubeEvent): string[] => [
    ...(namespace === undefined ? [event.metadata?.namespace ?? ''] : []),
    ageOf(timeOf(event)),
    event.type === 'Warning' ? context.terminal.yellow('Warning') : (event.type ?? ''),
    event.reason ?? '',
    `${event.involvedObject?.kind ?? ''}/${event.involvedObject?.name ?? ''}`,
    (event.message ?? '').replaceAll('\n', ' '),
  ];
  const headers = [
    ...(namespace === undefined ? ['NAMESPACE'] : []),
    'LAST SEEN',
    'TYPE',
    'REASON',
    'OBJECT',
    'MESSAGE',
  ];

  if (booleanFlag(context.flags, 'watch')) {
    const widths = [...(namespace === undefined ? [16] : []), 9, 7, 24, 40];
    context.terminal.out(renderRow(widths, headers));
    for await (const event of watcher<KubeEvent & { metadata: object }>(cluster.client, eventGvk, {
      namespace,
      fieldSelector,
      signal: context.signal,
    })) {
      if ((event.type === 'InitApply' || event.type === 'Apply') && wanted(event.object))
        context.terminal.out(renderRow(widths, row(event.object)));
    }
    return 0;
  }
  const { items } = await cluster.client.list<KubeEvent & { metadata: object }>(eventGvk, { namespace, fieldSelector });
  const events = items.filter(wanted).sort((a, b) => (timeOf(a) ?? '').localeCompare(timeOf(b) ?? ''));
  if (context.output !== 'table') {
    context.terminal.out(renderObjects(events, context.output, true));
    return 0;
  }
  if (events.length === 0) {
    context.terminal.err(`no events about Flux objects in ${namespace ? `namespace ${namespace}` : 'any namespace'}\n`);
    return 0;
  }
  context.terminal.out(renderTable(headers, events.map(row)));
  return 0;
}

function timeOf(event: KubeEvent): string | undefined {
  return event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp;
}
