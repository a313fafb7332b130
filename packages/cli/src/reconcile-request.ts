// Asking a controller to reconcile now, and waiting for its answer: the requestedAt annotation and lastHandledReconcileAt.
import { FailedError } from './cli-error.ts';
import type { Cluster } from './cluster.ts';
import { revisionOf, type FluxObject } from './flux-kinds.ts';
import { getFluxObject } from './flux-objects.ts';
import type { ServedKind } from './installed-kinds.ts';
import { conditionOf, describeCondition } from './ready-state.ts';
import { stringFlag } from './args.ts';
import { humanDuration, parseDurationFlag } from './age.ts';
import type { CommandContext } from './command.ts';
import { startSpinner, type Terminal } from './terminal.ts';

export const requestedAtAnnotation = 'reconcile.fluxcd.io/requestedAt';

/** Sets the annotation to now (RFC 3339 with nanoseconds, as Flux writes it) and returns the value written. */
export async function requestReconcile(
  cluster: Cluster,
  kind: ServedKind,
  name: string,
  namespace: string,
): Promise<string> {
  const requestedAt = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
  await cluster.client.patch(
    { apiVersion: kind.apiVersion, kind: kind.kind, name, namespace },
    { metadata: { annotations: { [requestedAtAnnotation]: requestedAt } } },
    'merge',
    { fieldManager: 'fluxion' },
  );
  return requestedAt;
}

export interface WaitOutcome {
  object: FluxObject;
  ready: boolean;
}

/**
 * Polls until the controller has handled `requestedAt` (or, without one, seen the current generation) and Ready is
 * no longer Unknown. Past the timeout: a FailedError carrying the last condition.
 */
export async function waitForReconcile(
  cluster: Cluster,
  kind: ServedKind,
  name: string,
  namespace: string,
  options: { requestedAt?: string | undefined; timeoutMs: number; terminal: Terminal; signal: AbortSignal },
): Promise<WaitOutcome> {
  const started = Date.now();
  const label = `${kind.kind} ${namespace}/${name}`;
  const spinner = startSpinner(options.terminal, `waiting for ${label} to be reconciled`);
  let last: FluxObject | undefined;
  try {
    while (Date.now() - started < options.timeoutMs && !options.signal.aborted) {
      last = await getFluxObject(cluster, kind, name, namespace);
      const status = last.status ?? {};
      const handled = options.requestedAt === undefined || status['lastHandledReconcileAt'] === options.requestedAt;
      const generation = last.metadata?.generation ?? 0;
      const observed = typeof status['observedGeneration'] === 'number' ? status['observedGeneration'] : -1;
      const ready = conditionOf(last, 'Ready');
      const settled =
        ready !== undefined && ready.status !== 'Unknown' && (ready.observedGeneration ?? observed) >= generation;
      if (handled && observed >= generation && settled) return { object: last, ready: ready.status === 'True' };
      spinner.update(
        `waiting for ${label}: ${ready ? describeCondition(ready) : 'not yet picked up by its controller'}`,
      );
      await sleep(300, options.signal);
    }
  } finally {
    spinner.stop();
  }
  const condition = last ? describeCondition(conditionOf(last, 'Ready')) : 'never read';
  const why = options.signal.aborted ? 'interrupted' : `timed out after ${humanDuration(options.timeoutMs)}`;
  throw new FailedError(`${label}: ${why} waiting for the reconcile to finish; last condition: ${condition}`);
}

/** Waits for the reconcile (up to --timeout), prints its outcome (stdout if ready, stderr if not), returns the exit code. */
export async function awaitOutcome(
  context: CommandContext,
  kind: ServedKind,
  name: string,
  namespace: string,
  requestedAt: string | undefined,
): Promise<number> {
  const outcome = await waitForReconcile(context.cluster(), kind, name, namespace, {
    requestedAt,
    timeoutMs: parseDurationFlag('timeout', stringFlag(context.flags, 'timeout') ?? '5m'),
    terminal: context.terminal,
    signal: context.signal,
  });
  const line = outcomeLine(kind, outcome, context.terminal);
  if (outcome.ready) context.terminal.out(line);
  else context.terminal.err(line);
  return outcome.ready ? 0 : 1;
}

/** The success line: `✔ Kustomization apps/podinfo reconciled: applied revision main@sha1:...`. */
export function outcomeLine(kind: ServedKind, outcome: WaitOutcome, terminal: Terminal): string {
  const object = outcome.object;
  const label = `${kind.kind} ${object.metadata?.namespace}/${object.metadata?.name}`;
  if (!outcome.ready)
    return `${terminal.red('✗')} ${label} failed: ${describeCondition(conditionOf(object, 'Ready'))}\n`;
  const revision = revisionOf(object);
  const verb =
    kind.kind === 'Kustomization'
      ? 'applied revision'
      : kind.controller === 'source-controller'
        ? 'fetched revision'
        : 'revision';
  return `${terminal.green('✔')} ${label} reconciled${revision ? `: ${verb} ${revision}` : ''}\n`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
