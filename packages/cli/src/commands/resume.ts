// fluxion resume: spec.suspend off, a reconcile requested, and (unless --wait=false) its outcome awaited.
import { booleanFlag, stringFlag } from '../args.ts';
import { parseDurationFlag } from '../age.ts';
import { UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { awaitOutcome, requestReconcile } from '../reconcile-request.ts';
import { selectObjects } from '../selected-objects.ts';
import { setSuspended } from '../suspend-patch.ts';

export async function run(context: CommandContext): Promise<number> {
  const { kind, objects } = await selectObjects(context, 'resume');
  if (!kind.suspendable) throw new UsageError(`${kind.kind} cannot be suspended or resumed`);
  const cluster = context.cluster();
  parseDurationFlag('timeout', stringFlag(context.flags, 'timeout') ?? '5m'); // a bad --timeout fails before anything is changed
  const requests: Array<{ name: string; namespace: string; requestedAt: string | undefined }> = [];
  for (const object of objects) {
    const name = object.metadata?.name ?? '';
    const namespace = object.metadata?.namespace ?? cluster.namespace;
    await setSuspended(cluster, kind, object, false);
    const requestedAt = kind.reconcilable ? await requestReconcile(cluster, kind, name, namespace) : undefined;
    context.terminal.err(`► ${kind.kind} ${namespace}/${name} resumed\n`);
    requests.push({ name, namespace, requestedAt });
  }
  if (!booleanFlag(context.flags, 'wait')) return 0;
  let failed = false;
  for (const request of requests)
    failed = (await awaitOutcome(context, kind, request.name, request.namespace, request.requestedAt)) !== 0 || failed;
  return failed ? 1 : 0;
}
