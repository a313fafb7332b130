// Runs the notification-controller in-process against the shared control plane, scoped to one test namespace,
// with its event API and Receiver server on loopback ports, and gives tests the helpers they share.
import { installCrds, type Alert, type Provider, type Receiver } from '@fluxion/api';
import { createClient, createLogger, EventRecorder, type KubeClient, Manager } from '@fluxion/runtime';
import { sharedKubeconfigPath, useTestNamespace } from '@fluxion/testenv';
import type { CoreV1Event, KubernetesObject } from '@kubernetes/client-node';
import {
  setupNotificationController,
  type NotificationController,
  type NotificationControllerOptions,
} from '../../src/notification-controller.ts';

export interface Harness {
  namespace: string;
  client: KubeClient;
  controller: NotificationController;
  logs: string[];
  /** Records Events as source- or kustomize-controller do (runtime EventRecorder, Flux annotations). */
  recorder(reportingController: string): EventRecorder;
  stop(): Promise<void>;
  /** The controller's Prometheus exposition, as /metrics serves it. */
  metrics(): Promise<string>;
  /** Stops this controller and starts a new one on the same namespace (the same checkpoint). */
  restart(): Promise<void>;
}

export async function startHarness(
  overrides: Partial<NotificationControllerOptions> = {},
  existingNamespace?: string,
): Promise<Harness> {
  const env = existingNamespace ? undefined : await useTestNamespace('nc');
  const namespace = existingNamespace ?? env!.namespace;
  if (env) await installCrds(env.kubeConfig);
  const client = createClient({ kubeconfigPath: sharedKubeconfigPath() });
  const logs: string[] = [];
  let manager: Manager;
  let controller: NotificationController;
  const start = async (): Promise<void> => {
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => logs.push(line) } });
    manager = new Manager({
      name: 'notification-controller-test',
      logger,
      metricsAddress: '0',
      healthAddress: '0',
      gracefulShutdownMs: 5_000,
    });
    controller = await setupNotificationController({
      manager,
      client,
      events: new EventRecorder(client, { reportingController: 'notification-controller' }),
      namespace,
      eventsAddress: '127.0.0.1:0',
      receiverAddress: '127.0.0.1:0',
      noCrossNamespaceRefs: false,
      noiseMode: 'on-change',
      rateLimitMs: 300_000,
      checkpoint: { namespace, name: 'notification-controller-events' },
      // quick retries keep failure tests short; the bound is what is tested
      delivery: { maxAttempts: 3, retryBaseMs: 50 },
      ...overrides,
    });
    await manager.start();
    await Promise.all([
      controller.alerts.hasSynced(),
      controller.providers.hasSynced(),
      controller.receivers.hasSynced(),
    ]);
  };
  await start();
  const harness: Harness = {
    namespace,
    client,
    get controller() {
      return controller;
    },
    logs,
    recorder: (reportingController) => new EventRecorder(client, { reportingController }),
    stop: () => manager.stop(),
    metrics: () => manager.metrics.render(),
    restart: async () => {
      await manager.stop();
      await start();
    },
  };
  return harness;
}

export function provider(namespace: string, name: string, spec: NonNullable<Provider['spec']>): Provider {
  return {
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Provider',
    metadata: { name, namespace },
    spec,
  };
}

export function alert(
  namespace: string,
  name: string,
  spec: NonNullable<Alert['spec']>,
  annotations?: Record<string, string>,
): Alert {
  return {
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Alert',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec,
  };
}

export function receiver(namespace: string, name: string, spec: NonNullable<Receiver['spec']>): Receiver {
  return { apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver', metadata: { name, namespace }, spec };
}

export function secret(
  namespace: string,
  name: string,
  stringData: Record<string, string>,
): KubernetesObject & { stringData: Record<string, string> } {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData };
}

/** Warning Events the controller recorded on an object, by message. */
export async function warningsOn(client: KubeClient, namespace: string, kind: string, name: string): Promise<string[]> {
  const { items } = await client.list<CoreV1Event>({ group: '', version: 'v1', kind: 'Event' }, { namespace });
  return items
    .filter(
      (event) => event.type === 'Warning' && event.involvedObject.kind === kind && event.involvedObject.name === name,
    )
    .map((event) => event.message ?? '');
}
