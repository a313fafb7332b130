// sentry, zulip, otel, googlepubsub and azureeventhub against real local HTTP servers that record what they receive
// (testenv's webhook sink; a token endpoint for Google's credentials exchange).
import { createHmac, createVerify, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startWebhookSink, type WebhookSink } from '@fluxion/testenv';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FluxEvent } from '../flux-event.ts';
import { sasToken } from './azure-event-hub.ts';
import { notifierFor } from './notifier-factory.ts';
import type { Notifier, ProviderSettings } from './notifier.ts';
import { ProviderConfigError } from './provider-settings.ts';

let sink: WebhookSink;
let tokenServer: Server;
let tokenUrl: string;
const tokenRequests: string[] = [];
beforeAll(async () => {
  sink = await startWebhookSink();
  // Google's OAuth token endpoint: records the form and answers with an access token
  tokenServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      tokenRequests.push(Buffer.concat(chunks).toString());
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'ya29.local-token', expires_in: 3600, token_type: 'Bearer' }));
    });
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
});
afterAll(async () => {
  await sink.stop();
  await new Promise((resolve) => tokenServer.close(resolve));
});
afterEach(() => {
  delete process.env['PUBSUB_EMULATOR_HOST'];
});

const event: FluxEvent = {
  involvedObject: {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    name: 'web',
    namespace: 'apps',
    uid: '7d0cdc51-ddcf-4743-b223-83ca5c699632',
  },
  severity: 'error',
  timestamp: '2026-01-01T10:00:00Z',
  message: 'Health check failed after 5m: Deployment/apps/web not ready',
  reason: 'HealthCheckFailed',
  metadata: { revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567', summary: 'prod', token: 'internal' },
  reportingController: 'kustomize-controller',
};
const info: FluxEvent = { ...event, severity: 'info', reason: 'ReconciliationSucceeded', message: 'Applied revision' };

function settings(type: string, overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    type,
    uid: '4f1c2a9e-1111-2222-3333-444455556666',
    address: `${sink.url}/${type}`,
    channel: '',
    username: '',
    token: '',
    password: '',
    headers: {},
    proxy: '',
    timeoutMs: 5_000,
    tls: {},
    ...overrides,
  };
}

function notifier(s: ProviderSettings): Notifier {
  const built = notifierFor(s);
  if (built instanceof ProviderConfigError) throw built;
  return built;
}

async function received(s: ProviderSettings, sent: FluxEvent, path: string) {
  const before = sink.requests.length;
  await notifier(s).post(sent, AbortSignal.timeout(10_000));
  return sink.waitFor((request) => request.path.startsWith(path) && sink.requests.indexOf(request) >= before);
}

function configError(s: ProviderSettings): string {
  const built = notifierFor(s);
  return built instanceof ProviderConfigError ? built.message : 'no error';
}

describe('sentry', () => {
  const dsn = () => `${sink.url.replace('://', '://public-key@')}/sentry/42`;

  it('sends an error as a Sentry event to the envelope endpoint of the DSN: level, message, tags, environment', async () => {
    const request = await received(settings('sentry', { address: dsn(), channel: 'staging' }), event, '/sentry/api/');
    expect(request.path).toBe('/sentry/api/42/envelope/');
    expect(request.headers['x-sentry-auth']).toMatch(/^Sentry sentry_version=7, .*sentry_key=public-key$/);
    const [header, item, payload] = request.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as any);
    expect(item.type).toBe('event');
    expect(header.event_id).toBe(payload.event_id);
    expect(payload).toMatchObject({
      level: 'error',
      message: { formatted: event.message },
      environment: 'staging',
      transaction: 'Kustomization: apps/web',
      timestamp: Date.parse(event.timestamp) / 1000,
      tags: {
        flux_involved_object_kind: 'Kustomization',
        flux_involved_object_name: 'web',
        flux_involved_object_namespace: 'apps',
        flux_reason: 'HealthCheckFailed',
        revision: event.metadata!['revision'],
        summary: 'prod',
      },
      extra: { revision: event.metadata!['revision'], summary: 'prod' },
    });
    expect(request.body).not.toContain('internal');
  });

  it('sends an info event as a transaction with one span', async () => {
    const request = await received(settings('sentry', { address: dsn() }), info, '/sentry/api/');
    const [, item, payload] = request.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as any);
    expect(item.type).toBe('transaction');
    expect(payload.spans).toHaveLength(1);
    expect(payload.spans[0]).toMatchObject({
      description: 'Applied revision',
      parent_span_id: payload.contexts.trace.span_id,
    });
  });

  it('refuses an address that is not a DSN, without repeating it', () => {
    expect(configError(settings('sentry', { address: `${sink.url}/no-key` }))).toMatch(/not a Sentry DSN/);
  });
});

describe('zulip', () => {
  it('posts a form to /api/v1/messages: stream and topic from the channel, basic auth, Markdown content', async () => {
    const request = await received(
      settings('zulip', {
        address: `${sink.url}/ignored/path`,
        channel: 'flux/apps',
        username: 'bot@zulip',
        password: 'key',
      }),
      event,
      '/api/v1/messages',
    );
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers['authorization']).toBe(`Basic ${Buffer.from('bot@zulip:key').toString('base64')}`);
    const form = new URLSearchParams(request.body);
    expect(Object.fromEntries(form)).toMatchObject({ type: 'stream', to: 'flux', topic: 'apps' });
    expect(form.get('content')).toContain(event.message);
    expect(form.get('content')).toContain('**revision**: main@sha1:0123456789abcdef0123456789abcdef01234567');
  });

  it('names a channel without a topic and missing credentials', () => {
    expect(configError(settings('zulip', { channel: 'flux', username: 'b', password: 'k' }))).toMatch(
      /spec.channel must be <stream>\/<topic>/,
    );
    expect(configError(settings('zulip', { channel: 'flux/apps' }))).toMatch(/needs username/);
  });
});

describe('otel', () => {
  it('exports one span per event as OTLP/HTTP JSON to /v1/traces, a trace per revision', async () => {
    const address = sink.url;
    const first = await received(settings('otel', { address, token: 'otlp-token' }), event, '/v1/traces');
    expect(first.headers['authorization']).toBe('Bearer otlp-token');
    const body = JSON.parse(first.body) as any;
    const span = body.resourceSpans[0].scopeSpans[0].spans[0];
    expect(body.resourceSpans[0].resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'kustomize-controller' },
    });
    expect(span).toMatchObject({
      name: 'Kustomization: apps/web',
      status: { code: 2, message: event.message },
      startTimeUnixNano: `${Date.parse(event.timestamp)}000000`,
    });
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    const attributes = Object.fromEntries(span.attributes.map((a: any) => [a.key, a.value.stringValue]));
    expect(attributes).toMatchObject({
      'object.kind': 'Kustomization',
      'object.uid': event.involvedObject.uid,
      revision: event.metadata!['revision'],
    });
    // another event about the same revision joins its trace, with its own span
    const second = await received(settings('otel', { address }), info, '/v1/traces');
    const next = (JSON.parse(second.body) as any).resourceSpans[0].scopeSpans[0].spans[0];
    expect(next.traceId).toBe(span.traceId);
    expect(next.spanId).not.toBe(span.spanId);
    expect(next.status.code).toBe(1);
  });
});

describe('googlepubsub', () => {
  it('publishes the event as base64 data with the headers as attributes, with a token from a service account key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = {
      type: 'service_account',
      client_email: 'flux@project.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      private_key_id: 'k1',
      token_uri: tokenUrl,
    };
    process.env['PUBSUB_EMULATOR_HOST'] = new URL(sink.url).host;
    const request = await received(
      settings('googlepubsub', {
        address: 'my-project',
        channel: 'flux-events',
        token: JSON.stringify(key),
        headers: { cluster: 'prod' },
      }),
      event,
      '/v1/projects/',
    );
    expect(request.path).toBe('/v1/projects/my-project/topics/flux-events:publish');
    expect(request.headers['authorization']).toBe('Bearer ya29.local-token');
    const message = (JSON.parse(request.body) as any).messages[0];
    expect(message.attributes).toEqual({ cluster: 'prod' });
    expect(JSON.parse(Buffer.from(message.data, 'base64').toString())).toEqual(event);
    // the token was bought with an RS256 JWT signed by the key, for the Pub/Sub scope
    const form = new URLSearchParams(tokenRequests.at(-1));
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [header, claims, signature] = form.get('assertion')!.split('.');
    const verified = createVerify('RSA-SHA256')
      .update(`${header}.${claims}`)
      .verify(publicKey, signature!, 'base64url');
    expect(verified).toBe(true);
    expect(JSON.parse(Buffer.from(claims!, 'base64url').toString())).toMatchObject({
      iss: key.client_email,
      aud: tokenUrl,
      scope: 'https://www.googleapis.com/auth/pubsub',
    });
  });

  it('names a missing project or topic, and credentials it cannot use', () => {
    expect(configError(settings('googlepubsub', { address: '', channel: 't' }))).toMatch(/GCP project id/);
    expect(configError(settings('googlepubsub', { address: 'p', channel: '' }))).toMatch(/topic id/);
    expect(configError(settings('googlepubsub', { address: 'p', channel: 't', token: 'not json' }))).toMatch(
      /not JSON credentials/,
    );
    expect(
      configError(settings('googlepubsub', { address: 'p', channel: 't', token: '{"type":"external_account"}' })),
    ).toMatch(/external_account credentials; supported: service_account/);
  });
});

describe('azureeventhub', () => {
  it('sends the event JSON with a SAS token signed from the connection string in the address', async () => {
    const host = new URL(sink.url).host;
    const connection = `Endpoint=sb://${host}/;SharedAccessKeyName=flux;SharedAccessKey=c2VjcmV0;EntityPath=events;UseDevelopmentEmulator=true`;
    const request = await received(settings('azureeventhub', { address: connection }), event, '/events/messages');
    expect(JSON.parse(request.body)).toEqual(event);
    const authorization = request.headers['authorization'] as string;
    const fields = new URLSearchParams(authorization.replace(/^SharedAccessSignature /, ''));
    const resource = `http://${host}/events`;
    expect(fields.get('sr')).toBe(resource);
    expect(fields.get('skn')).toBe('flux');
    const expiry = Number(fields.get('se'));
    expect(authorization).toBe(sasToken(resource, 'flux', 'c2VjcmV0', expiry));
    const signed = createHmac('sha256', 'c2VjcmV0')
      .update(`${encodeURIComponent(resource)}\n${expiry}`)
      .digest('base64');
    expect(fields.get('sig')).toBe(signed);
  });

  it('with a token, the address is the hub and the channel its namespace; a bearer is sent', async () => {
    const request = await received(
      settings('azureeventhub', { address: 'events', channel: sink.url, token: 'eyJ.jwt' }),
      event,
      '/events/messages',
    );
    expect(request.headers['authorization']).toBe('Bearer eyJ.jwt');
  });

  it('names what is missing', () => {
    expect(configError(settings('azureeventhub', { address: 'events', channel: 'ns' }))).toMatch(/no credentials/);
    expect(
      configError(settings('azureeventhub', { address: 'Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b' })),
    ).toMatch(/lacks EntityPath/);
  });
});
