// fluxion resume: spec.suspend off, a reconcile requested, and (unless --wait=false) its outcome awaited.
import { booleanFlag, stringFlag } from '../args.ts';
import { parseDurationFlag } from '../age.ts';
import { UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { outcomeLine, requestReconcile, waitForReconcile } from '../reconcile-request.ts';
import { selectObjects } from '../selected-objects.ts';
import { setSuspended } from '../suspend-patch.ts';

export async function run(context: CommandContext): Promise<number> {
  const { kind, objects } = await selectObjects(context, 'resume');
  if (!kind.suspendable) throw new UsageError(`${kind.kind} cannot be suspended or resumed`);
  const cluster = context.cluster();
  const timeoutMs = parseDurationFlag('timeout', stringFlag(context.flags, 'timeout') ?? '5m');
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
  for (const request of requests) {
    const outcome = await waitForReconcile(cluster, kind, request.name, request.namespace, {
      requestedAt: request.requestedAt,
      timeoutMs,
      terminal: context.terminal,
      signal: context.signal,
    });
    const line = outcomeLine(kind, outcome, context.terminal);
    if (outcome.ready) context.terminal.out(line);
    else context.terminal.err(line);
    failed ||= !outcome.ready;
  }
  return failed ? 1 : 0;
}
