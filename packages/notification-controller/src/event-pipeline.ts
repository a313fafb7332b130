// The one path every event takes, whichever door it came in by: match Alerts, hold back noise, add the Alert's
// metadata, and hand one message per Alert to its Provider's delivery lane.
import type { Alert, Provider } from '@fluxion/api';
import { parseGoDuration, type Logger } from '@fluxion/runtime';
import { eventForAlert, matchingAlerts, type MatchOptions } from './alert-matching.ts';
import { ReminderIntervalAnnotation, type AlertNoiseFilter } from './alert-noise.ts';
import type { DeliveryLanes } from './delivery-lanes.ts';
import { describeObject, type FluxEvent } from './flux-event.ts';
import type { ProblemReporter } from './problem-reporter.ts';
import type { ProviderNotifiers } from './provider-notifiers.ts';
import { ProviderConfigError } from './providers/provider-settings.ts';

export interface EventPipelineOptions {
  alerts: () => Alert[];
  provider: (namespace: string, name: string) => Provider | undefined;
  notifiers: ProviderNotifiers;
  lanes: DeliveryLanes;
  noise: AlertNoiseFilter;
  noCrossNamespaceRefs: boolean;
  labelsOf: MatchOptions['labelsOf'];
  problems: ProblemReporter;
  logger: Logger;
  /** Counts, for metrics and tests: the Provider type ('' when held back before a Provider was chosen) and how long. */
  onOutcome?: (outcome: 'delivered' | 'failed' | 'held-back', providerType: string, seconds?: number) => void;
}

export class EventPipeline {
  readonly #options: EventPipelineOptions;

  constructor(options: EventPipelineOptions) {
    this.#options = options;
  }

  /** Resolves when every message the event caused is delivered or given up. */
  async dispatch(event: FluxEvent): Promise<void> {
    const { problems, logger } = this.#options;
    const matches = await matchingAlerts(event, this.#options.alerts(), {
      noCrossNamespaceRefs: this.#options.noCrossNamespaceRefs,
      labelsOf: this.#options.labelsOf,
      onAlertProblem: (alert, problem) => problems.report(alert, 'ValidationFailed', problem),
    });
    const settled: Promise<void>[] = [];
    for (const { alert, severityPasses } of matches) {
      const alertNamespace = alert.metadata?.namespace ?? '';
      const alertKey = alert.metadata?.uid ?? `${alertNamespace}/${alert.metadata?.name}`;
      const decision = this.#options.noise.decide(alertKey, event, severityPasses, reminderMs(alert));
      if (!decision.send) {
        if (decision.heldBack !== 'severity') {
          logger.debug(
            {
              alert: `${alertNamespace}/${alert.metadata?.name}`,
              object: describeObject(event.involvedObject),
              heldBack: decision.heldBack,
            },
            'Event held back',
          );
          this.#options.onOutcome?.('held-back', '');
        }
        continue;
      }
      const providerName = alert.spec?.providerRef.name ?? '';
      const provider = this.#options.provider(alertNamespace, providerName);
      if (!provider) {
        problems.report(
          alert,
          'ProviderNotFound',
          `spec.providerRef: Provider ${alertNamespace}/${providerName} not found`,
        );
        continue;
      }
      if (provider.spec?.suspend) continue;
      settled.push(this.#send(eventForAlert(decision.send, alert), alert, provider));
    }
    await Promise.all(settled);
  }

  async #send(event: FluxEvent, alert: Alert, provider: Provider): Promise<void> {
    const takenAt = performance.now();
    const { problems, lanes } = this.#options;
    const notifier = await this.#options.notifiers.get(provider);
    if (notifier instanceof ProviderConfigError) {
      problems.report(provider, 'ValidationFailed', notifier.message);
      this.#options.onOutcome?.('failed', provider.spec?.type ?? '');
      return;
    }
    const providerLabel = `${provider.spec?.type} Provider ${provider.metadata?.namespace}/${provider.metadata?.name}`;
    return new Promise<void>((settled) => {
      lanes.enqueue({
        lane: `${provider.metadata?.namespace}/${provider.metadata?.name}`,
        send: (signal) => notifier.post(event, signal, alert),
        onGiveUp: (error, attempts) => {
          const message = `Sending the event about ${describeObject(event.involvedObject)} (Alert ${alert.metadata?.name}) to ${providerLabel} failed after ${attempts} attempt(s): ${error.message}`;
          problems.warn(provider, 'NotificationFailed', message);
        },
        onSettled: (delivered) => {
          this.#options.onOutcome?.(
            delivered ? 'delivered' : 'failed',
            provider.spec?.type ?? '',
            (performance.now() - takenAt) / 1000,
          );
          settled();
        },
      });
    });
  }
}

function reminderMs(alert: Alert): number | undefined {
  const text = alert.metadata?.annotations?.[ReminderIntervalAnnotation];
  if (!text) return undefined;
  try {
    return parseGoDuration(text);
  } catch {
    return undefined;
  }
}
