// Sentry: the envelope endpoint of the project the DSN (`https://<public key>@<host>/<project id>`) names. An error
// is a Sentry event (level error, the message, the object and metadata as tags, metadata also as extra); an info
// event is a transaction with one span, as Flux sends them. channel is the Sentry environment.
import { randomBytes } from 'node:crypto';
import type { FluxEvent } from '../flux-event.ts';
import { shownMetadata } from './chat.ts';
import { post } from './http-post.ts';
import type { Notifier, ProviderSettings } from './notifier.ts';
import { ProviderConfigError } from './provider-settings.ts';

interface Dsn {
  publicKey: string;
  envelopeUrl: string;
}

export function parseDsn(address: string): Dsn {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ProviderConfigError('the address is not a Sentry DSN (https://<public key>@<host>/<project id>)');
  }
  const segments = url.pathname.split('/').filter(Boolean);
  const projectId = segments.pop();
  if (!url.username || !projectId)
    throw new ProviderConfigError(
      'the address is not a Sentry DSN: it needs a public key and a project id (https://<key>@<host>/<project>)',
    );
  // a DSN may carry a path prefix before the project id (Sentry behind a sub-path)
  const prefix = segments.length ? `/${segments.join('/')}` : '';
  return {
    publicKey: decodeURIComponent(url.username),
    envelopeUrl: `${url.protocol}//${url.host}${prefix}/api/${projectId}/envelope/`,
  };
}

/** The Sentry event (an error) or transaction (info) for one Flux event. */
export function sentryItem(event: FluxEvent, environment: string): { type: string; payload: Record<string, unknown> } {
  const object = event.involvedObject;
  const timestamp = (Date.parse(event.timestamp) || Date.now()) / 1000;
  const metadata = Object.fromEntries(shownMetadata(event));
  const tags: Record<string, string> = {
    flux_involved_object_kind: object.kind,
    flux_involved_object_namespace: object.namespace,
    flux_involved_object_name: object.name,
    flux_reporting_controller: event.reportingController,
    flux_reason: event.reason,
    // Sentry caps tag values at 200 characters
    ...Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, value.slice(0, 200)])),
  };
  const common = {
    event_id: hex(16),
    timestamp,
    platform: 'other',
    server_name: event.reportingController,
    transaction: `${object.kind}: ${object.namespace}/${object.name}`,
    tags,
    ...(environment ? { environment } : {}),
  };
  if (event.severity === 'error') {
    return {
      type: 'event',
      payload: { ...common, level: 'error', message: { formatted: event.message }, extra: metadata },
    };
  }
  const trace = { trace_id: hex(16), span_id: hex(8), op: 'event' };
  return {
    type: 'transaction',
    payload: {
      ...common,
      type: 'transaction',
      start_timestamp: timestamp,
      contexts: { trace: { ...trace, description: event.message } },
      spans: [
        {
          ...trace,
          span_id: hex(8),
          parent_span_id: trace.span_id,
          description: event.message,
          start_timestamp: timestamp,
          timestamp,
          tags,
        },
      ],
    },
  };
}

export function sentryNotifier(settings: ProviderSettings): Notifier {
  const dsn = parseDsn(settings.address);
  const auth = `Sentry sentry_version=7, sentry_client=fluxion-notification-controller/0.1, sentry_key=${dsn.publicKey}`;
  return {
    post: async (event, signal) => {
      const { type, payload } = sentryItem(event, settings.channel);
      const body = [
        JSON.stringify({ event_id: payload['event_id'], sent_at: new Date().toISOString() }),
        JSON.stringify({ type, content_type: 'application/json' }),
        JSON.stringify(payload),
      ].join('\n');
      await post(
        dsn.envelopeUrl,
        `${body}\n`,
        { 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': auth, ...settings.headers },
        { timeoutMs: settings.timeoutMs, tls: settings.tls, proxy: settings.proxy, signal },
      );
    },
  };
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
