// Wires the notification-controller into a Manager: caches of Providers, Alerts and Receivers; the two event doors
// (Kubernetes Events watch, Flux's HTTP event API) into one pipeline; delivery lanes; the Receiver webhook server.
import type { Alert, Provider, Receiver } from '@fluxion/api';
import { NotificationGroup } from '@fluxion/api';
import {
  type EventRecorder,
  type KubeClient,
  type Logger,
  type Manager,
  type RunningHttpServer,
  objectKey,
  Reflector,
  ReconcileRequestAnnotation,
  StatusPatcher,
  parseListenAddress,
  listenHttp,
} from '@fluxion/runtime';
import type { KubernetesObject } from '@kubernetes/client-node';
import { AlertNoiseFilter, type NoiseMode } from './alert-noise.ts';
import { DeliveryLanes, type DeliveryLanesOptions } from './delivery-lanes.ts';
import { EventCheckpointStore } from './event-checkpoint-store.ts';
import { EventPipeline } from './event-pipeline.ts';
import { startEventServer } from './event-server.ts';
import type { FluxEvent } from './flux-event.ts';
import { watchKubernetesEvents } from './kube-event-watch.ts';
import { NotificationMetrics, type Door } from './notification-metrics.ts';
import { labelsCache, readSecret } from './object-reads.ts';
import { keepOpenFailures, restoreOpenFailures } from './open-failures.ts';
import { ProblemReporter } from './problem-reporter.ts';
import { ProviderNotifiers } from './provider-notifiers.ts';
import { ProviderConfigError } from './providers/provider-settings.ts';
import { ReceiverReconciler } from './receiver/receiver-reconciler.ts';
import { GoogleIdTokenVerifier } from './receiver/google-id-token.ts';
import { receiverHandler, webhookPathIndex } from './receiver/receiver-server.ts';

export interface NotificationControllerOptions {
  manager: Manager;
  client: KubeClient;
  events: EventRecorder;
  /** Only this namespace (`--watch-all-namespaces=false`); all when undefined. */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  /** --events-addr; '0' turns the HTTP event API off. */
  eventsAddress: string;
  /** --receiverAddr; '0' turns the webhook server off. */
  receiverAddress: string;
  noCrossNamespaceRefs: boolean;
  noiseMode: NoiseMode;
  rateLimitMs: number;
  /** Where the Kubernetes Events checkpoint is kept (the controller's namespace). */
  checkpoint: { namespace: string; name: string };
  /** Turn the Kubernetes Events door off (a controller fed only by HTTP). */
  watchKubernetesEvents?: boolean;
  delivery?: DeliveryLanesOptions;
  concurrency?: number;
  /** Where gcr Receivers find Google's signing keys (--gcr-jwks-url; Google's by default). */
  gcrJwksUrl?: string;
}

export interface NotificationController {
  pipeline: EventPipeline;
  lanes: DeliveryLanes;
  alerts: Reflector<Alert>;
  providers: Reflector<Provider>;
  receivers: Reflector<Receiver>;
  eventServer: RunningHttpServer | undefined;
  receiverServer: RunningHttpServer | undefined;
}

export async function setupNotificationController(
  options: NotificationControllerOptions,
): Promise<NotificationController> {
  const { manager, client } = options;
  const logger = manager.logger;
  const scope = { namespace: options.namespace, labelSelector: options.labelSelector };
  const alerts = cacheOf<Alert>(client, 'v1beta3', 'Alert', scope, logger);
  const providers = cacheOf<Provider>(client, 'v1beta3', 'Provider', scope, logger);
  const receivers = cacheOf<Receiver>(client, 'v1', 'Receiver', scope, logger);
  receivers.index(webhookPathIndex, (receiver) => (receiver.status?.webhookPath ? [receiver.status.webhookPath] : []));

  const problems = new ProblemReporter(options.events, logger);
  const noise = new AlertNoiseFilter({ mode: options.noiseMode, rateLimitMs: options.rateLimitMs });
  const state = new EventCheckpointStore(client, options.checkpoint.namespace, options.checkpoint.name);
  const metrics = new NotificationMetrics(manager.metrics.registry);
  const notifiers = new ProviderNotifiers((namespace, name) => readSecret(client, namespace, name));
  const lanes = new DeliveryLanes(options.delivery);
  const pipeline = new EventPipeline({
    alerts: () => alerts.list(),
    provider: (namespace, name) => providers.get(namespace, name),
    notifiers,
    lanes,
    noise,
    noCrossNamespaceRefs: options.noCrossNamespaceRefs,
    labelsOf: labelsCache(client),
    problems,
    logger,
    onOutcome: (outcome, providerType, seconds) => {
      metrics.deliveries.inc({ provider_type: providerType, outcome });
      if (seconds !== undefined && outcome === 'delivered')
        metrics.deliverySeconds.observe({ provider_type: providerType }, seconds);
    },
  });
  // a Provider or Alert that cannot be used is told when it is written, not only when an event needs it
  providers.onEvent((event) => {
    const { object } = event;
    if (event.type === 'DELETED')
      return void notifiers.drop(object.metadata?.namespace ?? '', object.metadata?.name ?? '');
    if (object.spec?.suspend) return;
    void notifiers.get(object).then((notifier) => {
      if (notifier instanceof ProviderConfigError) problems.report(object, 'ValidationFailed', notifier.message);
    });
  });
  alerts.onEvent((event) => {
    const { object } = event;
    if (event.type === 'DELETED' || object.spec?.suspend) return;
    const namespace = object.metadata?.namespace ?? '';
    const providerName = object.spec?.providerRef.name ?? '';
    // an Alert and its Provider applied together arrive on two watches in either order: look a little later
    setTimeout(() => {
      void providers.hasSynced().then(() => {
        const current = alerts.get(namespace, object.metadata?.name ?? '');
        if (current?.spec?.providerRef.name !== providerName || current.spec.suspend) return;
        if (!providers.get(namespace, providerName))
          problems.report(
            current,
            'ProviderNotFound',
            `spec.providerRef: Provider ${namespace}/${providerName} not found`,
          );
      });
    }, 2_000).unref();
  });

  // events are matched against complete caches: a door opens only after the first list of Alerts and Providers
  // and after the failures a previous process told are known, so a restart does not tell them again
  const synced = Promise.all([alerts.hasSynced(), providers.hasSynced(), restoreOpenFailures(state, noise, logger)]);
  const dispatch = async (event: FluxEvent, door: Door): Promise<void> => {
    metrics.events.inc({ door });
    await synced;
    await pipeline.dispatch(event);
  };

  for (const cache of [alerts, providers, receivers] as Reflector<KubernetesObject>[]) {
    manager.addRunnable({ name: `${cache.gvk.kind.toLowerCase()}-cache`, start: (signal) => cache.start(signal) });
  }
  manager.health.addReadinessCheck('notification-caches', () => {
    if (!alerts.isSynced || !providers.isSynced || !receivers.isSynced)
      throw new Error('the Alert, Provider and Receiver caches have not finished their first list');
  });

  manager.addRunnable({
    name: 'open-failures',
    needsLeaderElection: true,
    start: (signal) => keepOpenFailures(state, noise, logger, signal),
  });

  if (options.watchKubernetesEvents !== false) {
    const checkpoints = state;
    manager.addRunnable({
      name: 'kubernetes-events',
      // one reader of the Events, or every replica would send each of them; the event API and the Receiver
      // server answer on every replica (the Service may pick any)
      needsLeaderElection: true,
      start: (signal) =>
        watchKubernetesEvents(
          {
            client,
            namespace: options.namespace,
            dispatch: (event) => dispatch(event, 'kubernetes'),
            checkpoints,
            logger: logger.child({ door: 'kubernetes-events' }),
          },
          signal,
        ),
    });
  }

  const eventAddress = parseListenAddress(options.eventsAddress, '--events-addr');
  const eventServer = eventAddress
    ? await startEventServer(
        eventAddress,
        (event) =>
          void dispatch(event, 'http').catch((error: unknown) => logger.error({ err: error }, 'Event dispatch failed')),
        logger.child({ door: 'event-api' }),
      )
    : undefined;
  if (eventServer) logger.info({ url: eventServer.url }, 'Accepting events (Flux event API)');

  const receiverAddress = parseListenAddress(options.receiverAddress, '--receiverAddr');
  const handleReceiverCall = receiverHandler({
    client,
    receivers,
    noCrossNamespaceRefs: options.noCrossNamespaceRefs,
    logger: logger.child({ server: 'receiver' }),
    googleIdTokens: new GoogleIdTokenVerifier(options.gcrJwksUrl),
  });
  const receiverServer = receiverAddress
    ? await listenHttp(receiverAddress, (req, res) => {
        void handleReceiverCall(req, res).catch((error: unknown) => {
          logger.error({ err: error }, 'Receiver call failed');
          if (!res.headersSent) res.writeHead(500).end();
        });
      })
    : undefined;
  if (receiverServer) logger.info({ url: receiverServer.url }, 'Serving Receiver webhooks');

  manager.addRunnable({
    name: 'servers',
    start: (signal) =>
      new Promise<void>((stopped) =>
        signal.addEventListener(
          'abort',
          () => {
            lanes.close();
            void Promise.all([eventServer?.close(), receiverServer?.close(), notifiers.closeAll()]).finally(stopped);
          },
          { once: true },
        ),
      ),
  });

  const reconciler = new ReceiverReconciler({
    client,
    cache: receivers,
    status: new StatusPatcher(client, 'notification-controller'),
  });
  const controller = manager.addController({
    name: 'receiver',
    kind: 'Receiver',
    reconcile: reconciler.reconcile,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  });
  receivers.onEvent((event) => {
    const { object, oldObject } = event;
    if (
      event.type !== 'MODIFIED' ||
      object.metadata?.generation !== oldObject?.metadata?.generation ||
      object.metadata?.annotations?.[ReconcileRequestAnnotation] !==
        oldObject?.metadata?.annotations?.[ReconcileRequestAnnotation]
    ) {
      controller.enqueue(objectKey(object));
    }
  });

  return { pipeline, lanes, alerts, providers, receivers, eventServer, receiverServer };
}

function cacheOf<T extends KubernetesObject>(
  client: KubeClient,
  version: string,
  kind: string,
  scope: { namespace?: string | undefined; labelSelector?: string | undefined },
  logger: Logger,
): Reflector<T> {
  return new Reflector<T>(
    client,
    { group: NotificationGroup, version, kind },
    {
      ...scope,
      logger,
    },
  );
}
