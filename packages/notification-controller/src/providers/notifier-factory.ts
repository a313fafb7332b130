// The Notifier for a Provider's type; a type not built yet is a ProviderConfigError naming it.
import { genericNotifier } from './generic.ts';
import { natsNotifier } from './nats.ts';
import type { Notifier, ProviderSettings } from './notifier.ts';
import { ProviderConfigError } from './provider-settings.ts';
import { slackNotifier } from './slack.ts';

type NotifierBuilder = (settings: ProviderSettings) => Notifier;

const builders: Record<string, NotifierBuilder> = {
  generic: (settings) => genericNotifier(settings, false),
  'generic-hmac': (settings) => genericNotifier(settings, true),
  slack: slackNotifier,
  nats: natsNotifier,
};

export function notifierFor(settings: ProviderSettings): Notifier | ProviderConfigError {
  const build = builders[settings.type];
  if (!build) return new ProviderConfigError(`spec.type ${settings.type} is not supported by Fluxion yet (supported: ${supportedProviderTypes().join(', ')})`);
  return build(settings);
}

export function supportedProviderTypes(): string[] {
  return Object.keys(builders).sort();
}

