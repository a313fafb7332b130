// Monitoring and incident services: Grafana annotations, Alertmanager alerts, Opsgenie, PagerDuty (Events API v2),
// Datadog events. Each keeps the object, the reason and the metadata as its own labels or tags.
import type { FluxEvent } from '../flux-event.ts';
import { objectTitle, shownMetadata } from './chat.ts';
import { postJson } from './http-post.ts';
import type { Notifier, ProviderSettings } from './notifier.ts';

function send(
  settings: ProviderSettings,
  address: string,
  payload: unknown,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  return postJson(address, payload, {
    headers: { ...headers, ...settings.headers },
    timeoutMs: settings.timeoutMs,
    tls: settings.tls,
    proxy: settings.proxy,
    signal,
  }).then(() => undefined);
}

function authorization(settings: ProviderSettings): Record<string, string> {
  if (settings.token) return { authorization: `Bearer ${settings.token}` };
  if (settings.username)
    return { authorization: `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}` };
  return {};
}

/** Grafana's annotations API: the message, tagged with flux, the controller, the object and metadata. */
export const grafanaNotifier = (settings: ProviderSettings): Notifier => ({
  post: (event, signal) => {
    const object = event.involvedObject;
    const tags = [
      'flux',
      event.reportingController,
      object.kind,
      object.name,
      object.namespace,
      event.reason,
      ...shownMetadata(event).map(([k, v]) => `${k}: ${v}`),
    ];
    return send(
      settings,
      settings.address,
      { time: Date.parse(event.timestamp) || Date.now(), text: `${objectTitle(event)}: ${event.message}`, tags },
      authorization(settings),
      signal,
    );
  },
});

/** Alertmanager's v2 API: one alert labelled by object and reason, the message as an annotation. */
export function alertmanagerPayload(event: FluxEvent): unknown {
  const object = event.involvedObject;
  const { summary, ...metadata } = Object.fromEntries(shownMetadata(event));
  return [
    {
      labels: {
        alertname: `Flux${object.kind}${event.reason}`,
        severity: event.severity,
        reason: event.reason,
        kind: object.kind,
        name: object.name,
        namespace: object.namespace,
        ...metadata,
      },
      annotations: { message: event.message, ...(summary ? { summary } : {}) },
      startsAt: event.timestamp,
    },
  ];
}
export const alertmanagerNotifier = (settings: ProviderSettings): Notifier => ({
  post: (event, signal) =>
    send(settings, settings.address, alertmanagerPayload(event), authorization(settings), signal),
});

/** Opsgenie's alerts API with the GenieKey. */
export const opsgenieNotifier = (settings: ProviderSettings): Notifier => ({
  post: (event, signal) =>
    send(
      settings,
      settings.address,
      {
        message: objectTitle(event),
        description: event.message,
        details: Object.fromEntries(shownMetadata(event)),
        tags: ['flux', event.severity],
      },
      { authorization: `GenieKey ${settings.token}` },
      signal,
    ),
});

/** PagerDuty Events API v2: errors trigger, info resolves, deduplicated per object; channel is the routing key. */
export function pagerdutyPayload(event: FluxEvent, routingKey: string): unknown {
  const object = event.involvedObject;
  return {
    routing_key: routingKey,
    event_action: event.severity === 'error' ? 'trigger' : 'resolve',
    dedup_key: `${object.kind}/${object.namespace}/${object.name}`,
    payload: {
      summary: `${objectTitle(event)}: ${event.message}`.slice(0, 1024),
      source: 'Flux controllers',
      severity: event.severity === 'error' ? 'error' : 'info',
      timestamp: event.timestamp,
      component: object.name,
      group: object.kind,
      class: event.reason,
      custom_details: Object.fromEntries(shownMetadata(event)),
    },
  };
}
export const pagerdutyNotifier = (settings: ProviderSettings): Notifier => ({
  post: (event, signal) =>
    send(
      settings,
      settings.address || 'https://events.pagerduty.com/v2/enqueue',
      pagerdutyPayload(event, settings.channel),
      {},
      signal,
    ),
});

/** Datadog's events API with the API key; address is the site, e.g. https://api.datadoghq.eu. */
export const datadogNotifier = (settings: ProviderSettings): Notifier => ({
  post: (event, signal) => {
    const object = event.involvedObject;
    const tags = [
      `flux_reporting_controller:${event.reportingController}`,
      `flux_reason:${event.reason}`,
      `kind:${object.kind}`,
      `name:${object.name}`,
      `namespace:${object.namespace}`,
      ...shownMetadata(event).map(([k, v]) => `${k}:${v}`),
    ];
    return send(
      settings,
      `${settings.address.replace(/\/+$/, '')}/api/v1/events`,
      {
        title: objectTitle(event),
        text: event.message,
        alert_type: event.severity === 'error' ? 'error' : 'info',
        source_type_name: 'fluxcd',
        tags,
      },
      { 'DD-API-KEY': settings.token },
      signal,
    );
  },
});
