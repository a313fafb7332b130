// Receiver reconcile, as Flux: read the token, compute the webhook path, write status.webhookPath and Ready.
import type { Receiver } from '@fluxion/api';
import { ReceiverApiVersion } from '@fluxion/api';
import {
  markFailed,
  markReady,
  parseGoDuration,
  removeCondition,
  ReconcilingCondition,
  setLastHandledReconcileAt,
  setObservedGeneration,
  StalledCondition,
  type KubeClient,
  type Logger,
  type ObjectKey,
  type ReconcileResult,
  type Reflector,
  type StatusPatcher,
} from '@fluxion/runtime';
import { receiverToken, ReceiverTokenError } from './receiver-token.ts';
import { webhookPath } from './webhook-path.ts';

export interface ReceiverReconcilerOptions {
  client: KubeClient;
  cache: Reflector<Receiver>;
  status: StatusPatcher;
}

export class ReceiverReconciler {
  readonly #options: ReceiverReconcilerOptions;

  constructor(options: ReceiverReconcilerOptions) {
    this.#options = options;
  }

  reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    const { cache, client, status } = this.#options;
    await cache.hasSynced();
    const receiver = cache.get(key.namespace ?? '', key.name);
    if (!receiver || receiver.metadata?.deletionTimestamp) return {};
    const interval = parseInterval(receiver.spec?.interval);
    if (receiver.spec?.suspend) {
      log.debug('Receiver is suspended');
      return {};
    }
    const next = { metadata: receiver.metadata, status: structuredClone(receiver.status ?? {}) } as Receiver & {
      status: NonNullable<Receiver['status']>;
    };
    const token = await receiverToken(client, receiver);
    if (token instanceof ReceiverTokenError) {
      markFailed(next, token.reason, token.message);
      delete next.status.webhookPath;
    } else {
      const path = webhookPath(token, receiver.metadata?.name ?? '', receiver.metadata?.namespace ?? '');
      next.status.webhookPath = path;
      markReady(next, 'Succeeded', `Receiver initialized for path: ${path}`);
      removeCondition(next, ReconcilingCondition);
      removeCondition(next, StalledCondition);
    }
    setObservedGeneration(next);
    setLastHandledReconcileAt(next);
    await status.patch({ ...receiver, apiVersion: ReceiverApiVersion, kind: 'Receiver' }, next.status);
    // a missing Secret may appear: retry at the interval (Flux watches it; here the interval is the bound)
    return { requeueAfter: token instanceof ReceiverTokenError ? Math.min(interval, 30_000) : interval };
  };
}

function parseInterval(text: string | undefined): number {
  try {
    return text ? parseGoDuration(text) : 600_000;
  } catch {
    return 600_000;
  }
}
