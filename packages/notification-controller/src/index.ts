// notification-controller's building blocks: Flux events in, Alerts matched, Providers delivered to; Receivers.
export {
  parseFluxEvent,
  eventFromKubernetesEvent,
  isToolkitApiVersion,
  describeObject,
  EventFormatError,
  type FluxEvent,
  type InvolvedObject,
  type EventSeverity,
} from './flux-event.ts';
export { matchingAlerts, eventForAlert, type AlertMatch, type MatchOptions } from './alert-matching.ts';
export {
  AlertNoiseFilter,
  recoveryEvent,
  formatElapsed,
  noiseModes,
  ReminderIntervalAnnotation,
  type NoiseMode,
  type NoiseDecision,
} from './alert-noise.ts';
export { DeliveryLanes, type DeliveryJob, type DeliveryLanesOptions } from './delivery-lanes.ts';
export { DeliveryWatermark, type Checkpoint } from './delivery-watermark.ts';
export { EventPipeline, type EventPipelineOptions } from './event-pipeline.ts';
export { eventApiHandler, startEventServer, maxEventBodyBytes } from './event-server.ts';
export {
  setupNotificationController,
  type NotificationController,
  type NotificationControllerOptions,
} from './notification-controller.ts';
export { slackPayload } from './providers/slack.ts';
export { DeliveryError, type Notifier, type ProviderSettings } from './providers/notifier.ts';
export { notifierFor, supportedProviderTypes } from './providers/notifier-factory.ts';
export { providerSettings, ProviderConfigError, defaultProviderTimeoutMs } from './providers/provider-settings.ts';
export { verifyReceiverCall, type ReceiverCall, type Verdict } from './receiver/receiver-verify.ts';
export { webhookPath } from './receiver/webhook-path.ts';
export { requestReconcile } from './receiver/request-reconcile.ts';
export { parseFeatureGates, FeatureGateError } from './feature-gates.ts';
