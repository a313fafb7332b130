// fluxion reconcile <kind> <name> [--with-source]: request a reconcile, wait for it, print the revision or the failure.
import { booleanFlag, stringFlag } from '../args.ts';
import { parseDurationFlag } from '../age.ts';
import { FailedError, UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { findKindByName, selectKinds, type FluxObject } from '../flux-kinds.ts';
import { getFluxObject } from '../flux-objects.ts';
import type { InstalledKinds, ServedKind } from '../installed-kinds.ts';
import { awaitOutcome, requestReconcile } from '../reconcile-request.ts';

export async function run(context: CommandContext): Promise<number> {
  const selection = selectKinds(context.args, false);
  const name = selection.rest[0];
  if (!name) throw new UsageError('name the object to reconcile, e.g. fluxion reconcile ks podinfo');
  const cluster = context.cluster();
  const installed = await context.installedKinds();
  const kind = installed.require(selection.kinds[0]!);
  if (!kind.reconcilable)
    throw new UsageError(`${kind.kind} is reconciled on every change; there is nothing to request`);
  parseDurationFlag('timeout', stringFlag(context.flags, 'timeout') ?? '5m'); // a bad --timeout fails before anything is changed
  const namespace = cluster.namespace;
  const object = await getFluxObject(cluster, kind, name, namespace);

  if (booleanFlag(context.flags, 'with-source')) {
    const source = sourceOf(object, installed);
    if (!source) throw new UsageError(`${kind.kind} ${namespace}/${name} has no source to reconcile (--with-source)`);
    const code = await reconcileOne(context, source.kind, source.name, source.namespace ?? namespace);
    if (code !== 0) return code;
  }
  return reconcileOne(context, kind, name, namespace);
}

async function reconcileOne(
  context: CommandContext,
  kind: ServedKind,
  name: string,
  namespace: string,
): Promise<number> {
  const cluster = context.cluster();
  const object = await getFluxObject(cluster, kind, name, namespace);
  if (object.spec?.['suspend'] === true) {
    throw new FailedError(
      `${kind.kind} ${namespace}/${name} is suspended; run: fluxion resume ${kind.kind.toLowerCase()} ${name} -n ${namespace}`,
    );
  }
  context.terminal.err(`► annotating ${kind.kind} ${namespace}/${name}\n`);
  const requestedAt = await requestReconcile(cluster, kind, name, namespace);
  return awaitOutcome(context, kind, name, namespace, requestedAt);
}

/** spec.sourceRef of a Kustomization, or the chart's source of a HelmRelease. */
function sourceOf(
  object: FluxObject,
  installed: InstalledKinds,
): { kind: ServedKind; name: string; namespace?: string } | undefined {
  const spec = object.spec ?? {};
  const chartSpec = (spec['chart'] as { spec?: { sourceRef?: unknown } } | undefined)?.spec;
  const ref = (spec['sourceRef'] ?? chartSpec?.sourceRef ?? spec['chartRef']) as
    { kind?: string; name?: string; namespace?: string } | undefined;
  if (!ref?.kind || !ref.name) return undefined;
  const fluxKind = findKindByName(ref.kind);
  if (!fluxKind) return undefined;
  return { kind: installed.require(fluxKind), name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
}
