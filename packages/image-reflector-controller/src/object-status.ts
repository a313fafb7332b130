// Status writes shared by both reconcilers: written only when something in it changed, so an unchanged
// rescan costs the API server nothing; events are best effort.
import { isDeepStrictEqual } from 'node:util';
import { ImageApiVersion } from '@fluxion/api';
import type { EventRecorder, Logger, StatusPatcher } from '@fluxion/runtime';
import type { KubernetesObject } from '@kubernetes/client-node';

interface WithStatus extends KubernetesObject {
  status?: object;
}

/** Writes `status` if it differs from the object's; returns the object as it now is. */
export async function writeStatusIfChanged<T extends WithStatus>(
  patcher: StatusPatcher,
  object: T,
  status: object,
): Promise<T> {
  if (isDeepStrictEqual(withoutUndefined(status), withoutUndefined(object.status ?? {}))) {
    patcher.recordReady(object);
    return object;
  }
  return (await patcher.patch(object, status)).object;
}

export async function recordEvent(
  events: EventRecorder,
  object: KubernetesObject,
  kind: string,
  event: { type: 'Normal' | 'Warning'; reason: string; message: string },
  log: Logger,
): Promise<void> {
  try {
    await events.record({ object: { ...object, apiVersion: ImageApiVersion, kind }, ...event });
  } catch (error) {
    log.warn({ err: error, reason: event.reason }, 'Could not record an event');
  }
}

function withoutUndefined(value: object): unknown {
  return JSON.parse(JSON.stringify(value));
}
