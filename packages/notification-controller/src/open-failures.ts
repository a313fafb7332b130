// The failures told and not yet recovered, kept in the controller's state ConfigMap between restarts.
import type { Logger } from '@fluxion/runtime';
import type { AlertNoiseFilter, OpenFailures } from './alert-noise.ts';
import type { EventCheckpointStore } from './event-checkpoint-store.ts';

const openFailuresKey = 'open-failures.json';

export async function restoreOpenFailures(
  state: EventCheckpointStore,
  noise: AlertNoiseFilter,
  logger: Logger,
): Promise<void> {
  try {
    const open = await state.loadKey(openFailuresKey);
    if (open && typeof open === 'object') noise.restoreOpenFailures(open as OpenFailures);
  } catch (error) {
    logger.warn(
      { err: error, checkpoint: state.where },
      'Could not read the failures told before the restart; ongoing ones may be told again',
    );
  }
}

/** Writes the open failures when they change (every 2 s at most) and once more at shutdown. */
export async function keepOpenFailures(
  state: EventCheckpointStore,
  noise: AlertNoiseFilter,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  const save = async (): Promise<void> => {
    const open = noise.takeOpenFailures();
    if (open) await state.saveKey(openFailuresKey, open, logger);
  };
  const timer = setInterval(() => void save(), 2_000);
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  clearInterval(timer);
  await save();
}
