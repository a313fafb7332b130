// The first door: core/v1 Events about the toolkit's objects, watched (never polled). At start-up only what is newer
// than the stored checkpoint is dispatched, so a restart loses nothing undelivered and repeats nothing delivered.
import type { KubeClient, Logger } from '@fluxion/runtime';
import { watcher } from '@fluxion/runtime';
import type { CoreV1Event } from '@kubernetes/client-node';
import { DeliveryWatermark, type Checkpoint } from './delivery-watermark.ts';
import type { EventCheckpointStore } from './event-checkpoint-store.ts';
import { eventFromKubernetesEvent, type FluxEvent } from './flux-event.ts';

export interface KubeEventWatchOptions {
  client: KubeClient;
  /** Watch one namespace; every namespace when undefined. */
  namespace?: string | undefined;
  dispatch: (event: FluxEvent) => Promise<void>;
  checkpoints: EventCheckpointStore;
  logger: Logger;
  /** How often a changed checkpoint is written (default 1 s). */
  checkpointIntervalMs?: number;
  /** Events being delivered at once; the watch stream waits beyond it, so a burst does not pile up in memory (default 256). */
  maxInFlight?: number;
}

/** Kinds whose Events never feed Alerts: the notification API's own. */
const ignoredKinds = new Set(['Provider', 'Alert']);

export async function watchKubernetesEvents(options: KubeEventWatchOptions, signal: AbortSignal): Promise<void> {
  const { client, logger, checkpoints } = options;
  const stored = await checkpoints.load();
  // first start: history is not news; only what happens from now on is sent
  const start: Checkpoint = stored ?? { watermark: Date.now(), sent: [] };
  logger.info(
    { checkpoint: checkpoints.where, since: new Date(start.watermark).toISOString(), replay: stored !== undefined },
    'Watching Kubernetes Events',
  );
  const watermark = new DeliveryWatermark(start);

  const saveTimer = setInterval(() => {
    const checkpoint = watermark.take();
    if (checkpoint) void checkpoints.save(checkpoint, logger);
  }, options.checkpointIntervalMs ?? 1000);

  const maxInFlight = options.maxInFlight ?? 256;
  let inFlight = 0;
  let slotFreed: (() => void) | undefined;
  const handle = async (event: CoreV1Event, replay: boolean): Promise<void> => {
    const id = occurrenceId(event);
    if (!id) return;
    const fluxEvent = eventFromKubernetesEvent(event);
    if (!fluxEvent || ignoredKinds.has(fluxEvent.involvedObject.kind)) return;
    const timestamp = Date.parse(fluxEvent.timestamp);
    if (watermark.handled(id, timestamp, replay)) return;
    while (inFlight >= maxInFlight) await new Promise<void>((resolve) => (slotFreed = resolve));
    watermark.started(id, timestamp);
    inFlight += 1;
    void options
      .dispatch(fluxEvent)
      .catch((error: unknown) => logger.error({ err: error, event: id }, 'Event dispatch failed'))
      // a delivery cut short by shutdown is not done: it stays pending in the checkpoint and is replayed
      .finally(() => {
        inFlight -= 1;
        slotFreed?.();
        slotFreed = undefined;
        if (!signal.aborted) watermark.settled(id);
      });
  };

  try {
    let initial = true;
    for await (const change of watcher<CoreV1Event>(
      client,
      { group: '', version: 'v1', kind: 'Event' },
      { namespace: options.namespace, signal },
    )) {
      if (change.type === 'InitApply') await handle(change.object, true);
      else if (change.type === 'Apply') await handle(change.object, false);
      else if (change.type === 'InitDone' && initial) {
        initial = false;
        logger.debug({ pending: watermark.pendingCount }, 'Kubernetes Events listed');
      }
    }
  } finally {
    clearInterval(saveTimer);
    const checkpoint = watermark.take(true);
    if (checkpoint) await checkpoints.save(checkpoint, logger);
  }
}

/** One occurrence of an Event: a repeat recorded into `count` is a new occurrence. */
function occurrenceId(event: CoreV1Event): string | undefined {
  const name = event.metadata?.name;
  if (!name) return undefined;
  return `${event.metadata?.namespace ?? ''}/${name}@${event.count ?? 1}`;
}
