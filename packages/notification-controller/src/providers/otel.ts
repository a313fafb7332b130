// OpenTelemetry: one span per event, sent as OTLP/HTTP JSON to the collector at the address (`/v1/traces` when the
// address has no path). Events about one revision share a trace (its id is derived from the revision), so a commit's
// journey through sources, Kustomizations and HelmReleases reads as one trace; the span carries the object, the
// reason and the metadata as attributes, and its status is ERROR for an error event.
import { createHash } from 'node:crypto';
import type { FluxEvent } from '../flux-event.ts';
import { shownMetadata } from './chat.ts';
import { postJson } from './http-post.ts';
import type { Notifier, ProviderSettings } from './notifier.ts';
import { ProviderConfigError } from './provider-settings.ts';

const spanKindInternal = 1;
const statusOk = 1;
const statusError = 2;

/** The OTLP/HTTP JSON export request carrying the event's span. */
export function otlpTraces(event: FluxEvent): unknown {
  const object = event.involvedObject;
  const objectKey = `${object.kind}/${object.namespace}/${object.name}`;
  const revision = event.metadata?.['revision'];
  const at = BigInt(Date.parse(event.timestamp) || Date.now()) * 1_000_000n;
  const attributes: [string, string][] = [
    ['object.uid', object.uid ?? ''],
    ['object.kind', object.kind],
    ['object.name', object.name],
    ['object.namespace', object.namespace],
    ['event.reason', event.reason],
    ['event.severity', event.severity],
    ...shownMetadata(event),
  ];
  return {
    resourceSpans: [
      {
        resource: { attributes: [stringAttribute('service.name', event.reportingController)] },
        scopeSpans: [
          {
            scope: { name: 'fluxion-notification-controller' },
            spans: [
              {
                // no revision: the event is its own trace
                traceId: digest(revision ?? `${objectKey}:${event.timestamp}:${event.message}`, 16),
                spanId: digest(`${objectKey}:${revision ?? ''}:${event.reason}:${event.timestamp}:${event.message}`, 8),
                name: `${object.kind}: ${object.namespace}/${object.name}`,
                kind: spanKindInternal,
                startTimeUnixNano: at.toString(),
                endTimeUnixNano: at.toString(),
                attributes: attributes.filter(([, value]) => value !== '').map(([k, v]) => stringAttribute(k, v)),
                status: { code: event.severity === 'error' ? statusError : statusOk, message: event.message },
              },
            ],
          },
        ],
      },
    ],
  };
}

export function otelNotifier(settings: ProviderSettings): Notifier {
  let endpoint: URL;
  try {
    endpoint = new URL(settings.address);
  } catch {
    throw new ProviderConfigError('the address is not the URL of an OTLP/HTTP endpoint');
  }
  if (endpoint.pathname === '/' || endpoint.pathname === '') endpoint.pathname = '/v1/traces';
  const headers: Record<string, string> = { ...authorization(settings), ...settings.headers };
  return {
    post: async (event, signal) => {
      await postJson(endpoint.href, otlpTraces(event), {
        headers,
        timeoutMs: settings.timeoutMs,
        tls: settings.tls,
        proxy: settings.proxy,
        signal,
      });
    },
  };
}

/** A token is a bearer; a username with a password is basic auth; a password alone is a bearer too. */
function authorization(settings: ProviderSettings): Record<string, string> {
  if (settings.token) return { authorization: `Bearer ${settings.token}` };
  if (settings.username && settings.password)
    return { authorization: `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}` };
  if (settings.password) return { authorization: `Bearer ${settings.password}` };
  return {};
}

function stringAttribute(key: string, value: string) {
  return { key, value: { stringValue: value } };
}

function digest(text: string, bytes: number): string {
  return createHash('sha256')
    .update(text)
    .digest('hex')
    .slice(0, bytes * 2);
}
