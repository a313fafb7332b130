// notification-controller: Flux's flags, the event doors, the delivery pipeline and the Receiver server, and start.
import {
  boolFlag,
  durationFlag,
  FlagSet,
  kubeconfigFlag,
  runControllerMain,
  runtimeFlags,
  runtimeNamespace,
  stringFlag,
} from '@fluxion/runtime';
import { noiseModes, type NoiseMode } from './alert-noise.ts';
import { FeatureGateError, parseFeatureGates } from './feature-gates.ts';
import { setupNotificationController } from './notification-controller.ts';

const controllerName = 'notification-controller';

const flagSet = new FlagSet(controllerName, runtimeFlags).with({
  'events-addr': stringFlag(':9090', 'The address the event endpoint (Flux event API) binds to.'),
  receiverAddr: stringFlag(':9292', 'The address the webhook receiver endpoint binds to.'),
  'rate-limit-interval': durationFlag(5 * 60_000, 'Identical events within this interval are sent once.'),
  'alert-noise': stringFlag(
    'on-change',
    "on-change: a failure is sent when it starts and when its message changes, and once when the object recovers; flux: Flux's behaviour, every event with identical ones held back for --rate-limit-interval.",
    noiseModes,
  ),
  'events-checkpoint': stringFlag(
    `${controllerName}-events`,
    'The ConfigMap (in the controller namespace) recording which Kubernetes Events were delivered.',
  ),
  'watch-kubernetes-events': boolFlag(
    true,
    "Read the toolkit controllers' Kubernetes Events (in addition to the event API).",
  ),
  'gcr-jwks-url': stringFlag(
    'https://www.googleapis.com/oauth2/v3/certs',
    "Where gcr Receivers read Google's public keys to check the ID token of a Pub/Sub push.",
  ),
  'feature-gates': stringFlag('', 'A comma-separated list of key=value pairs turning experimental features on or off.'),
  kubeconfig: kubeconfigFlag,
});

process.exitCode = await runControllerMain({
  name: controllerName,
  flagSet,
  wire: async ({ flags, runtime, client, manager, events, watch }) => {
    const gates = parseFeatureGates(flags['feature-gates']);
    if (gates instanceof FeatureGateError) throw gates;
    await setupNotificationController({
      manager,
      client,
      events,
      ...watch,
      eventsAddress: flags['events-addr'],
      receiverAddress: flags.receiverAddr,
      noCrossNamespaceRefs: runtime.noCrossNamespaceRefs,
      noiseMode: flags['alert-noise'] as NoiseMode,
      rateLimitMs: flags['rate-limit-interval'],
      checkpoint: { namespace: runtimeNamespace(), name: flags['events-checkpoint'] },
      watchKubernetesEvents: flags['watch-kubernetes-events'],
      concurrency: runtime.concurrency,
      gcrJwksUrl: flags['gcr-jwks-url'],
    });
  },
});
