// The Notifier for a Provider's type; a type not built yet is a ProviderConfigError naming it.
import {
  discordNotifier,
  googlechatNotifier,
  larkNotifier,
  matrixNotifier,
  msteamsNotifier,
  rocketNotifier,
  telegramNotifier,
  webexNotifier,
} from './chat.ts';
import { commitStatusNotifier, commitStatusTypes, githubDispatchNotifier } from './commit-status.ts';
import { genericNotifier } from './generic.ts';
import {
  alertmanagerNotifier,
  datadogNotifier,
  grafanaNotifier,
  opsgenieNotifier,
  pagerdutyNotifier,
} from './incident.ts';
import { azureEventHubNotifier } from './azure-event-hub.ts';
import { googlePubSubNotifier } from './google-pubsub.ts';
import { natsNotifier } from './nats.ts';
import type { Notifier, ProviderSettings } from './notifier.ts';
import { ProviderConfigError } from './provider-settings.ts';
import { otelNotifier } from './otel.ts';
import { sentryNotifier } from './sentry.ts';
import { slackNotifier } from './slack.ts';
import { zulipNotifier } from './zulip.ts';

type NotifierBuilder = (settings: ProviderSettings) => Notifier;

const builders: Record<string, NotifierBuilder> = {
  generic: (settings) => genericNotifier(settings, false),
  'generic-hmac': (settings) => genericNotifier(settings, true),
  slack: slackNotifier,
  nats: natsNotifier,
  discord: discordNotifier,
  rocket: rocketNotifier,
  msteams: msteamsNotifier,
  googlechat: googlechatNotifier,
  webex: webexNotifier,
  telegram: telegramNotifier,
  matrix: matrixNotifier,
  lark: larkNotifier,
  grafana: grafanaNotifier,
  alertmanager: alertmanagerNotifier,
  opsgenie: opsgenieNotifier,
  pagerduty: pagerdutyNotifier,
  datadog: datadogNotifier,
  githubdispatch: githubDispatchNotifier,
  sentry: sentryNotifier,
  zulip: zulipNotifier,
  otel: otelNotifier,
  googlepubsub: googlePubSubNotifier,
  azureeventhub: azureEventHubNotifier,
  ...Object.fromEntries(commitStatusTypes.map((type) => [type, commitStatusNotifier])),
};

export function notifierFor(settings: ProviderSettings): Notifier | ProviderConfigError {
  const build = builders[settings.type];
  if (!build)
    return new ProviderConfigError(
      `spec.type ${settings.type} is not supported by Fluxion yet (supported: ${supportedProviderTypes().join(', ')})`,
    );
  try {
    return build(settings);
  } catch (error) {
    // a builder's own ProviderConfigError names its field; anything else is about the address (a commit-status
    // address that names no repository)
    if (error instanceof ProviderConfigError) return error;
    return new ProviderConfigError(`spec.address: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function supportedProviderTypes(): string[] {
  return Object.keys(builders).sort();
}
