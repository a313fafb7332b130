// Each provider against a real local HTTP server that records what it receives (testenv's webhook sink).
import { createHmac } from 'node:crypto';
import { startWebhookSink, type WebhookSink } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FluxEvent } from '../flux-event.ts';
import { notifierFor } from './notifier-factory.ts';
import { DeliveryError, type Notifier, type ProviderSettings } from './notifier.ts';
import { ProviderConfigError } from './provider-settings.ts';

let sink: WebhookSink;
beforeAll(async () => {
  sink = await startWebhookSink();
});
afterAll(async () => {
  await sink.stop();
});

const event: FluxEvent = {
  involvedObject: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'web', namespace: 'apps' },
  severity: 'error',
  timestamp: '2026-01-01T10:00:00Z',
  message: 'Health check failed after 5m: Deployment/apps/web not ready',
  reason: 'HealthCheckFailed',
  metadata: { revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567', summary: 'prod' },
  reportingController: 'kustomize-controller',
};

function settings(type: string, overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return { type, address: `${sink.url}/${type}`, channel: '', username: '', token: '', password: '', headers: {}, proxy: '', timeoutMs: 5_000, tls: {}, ...overrides };
}

function notifier(s: ProviderSettings): Notifier {
  const built = notifierFor(s);
  if (built instanceof ProviderConfigError) throw built;
  return built;
}

async function posted(path: string, s: ProviderSettings) {
  await notifier(s).post(event, AbortSignal.timeout(10_000));
  return sink.waitFor((request) => request.path === path);
}

describe('generic', () => {
  it("posts Flux's event JSON with the Secret's headers", async () => {
    const request = await posted('/generic', settings('generic', { headers: { 'X-Team': 'web' } }));
    expect(JSON.parse(request.body)).toEqual(event);
    expect(request.headers['x-team']).toBe('web');
    expect(request.headers['gotk-component']).toBe('kustomize-controller');
  });
});

describe('generic-hmac', () => {
  it('signs the body with the token: X-Signature: sha256=<hex>', async () => {
    const request = await posted('/generic-hmac', settings('generic-hmac', { token: 's3cret' }));
    expect(request.headers['x-signature']).toBe(`sha256=${createHmac('sha256', 's3cret').update(request.body).digest('hex')}`);
  });
});

describe('slack', () => {
  it('sends an attachment coloured by severity with the revision as a field, channel and username', async () => {
    const request = await posted('/slack', settings('slack', { channel: 'ops', username: 'flux' }));
    expect(JSON.parse(request.body)).toEqual({
      channel: 'ops',
      username: 'flux',
      attachments: [
        {
          color: 'danger',
          author_name: 'kustomization/web.apps',
          text: event.message,
          mrkdwn_in: ['text'],
          fields: [
            { title: 'revision', value: 'main@sha1:0123456789abcdef0123456789abcdef01234567', short: false },
            { title: 'summary', value: 'prod', short: false },
          ],
        },
      ],
    });
    expect(request.headers['authorization']).toBeUndefined();
  });

  it('uses the bot token for chat.postMessage', async () => {
    const request = await posted('/slack-bot', settings('slack', { address: `${sink.url}/slack-bot`, token: 'xoxb-1', channel: 'general' }));
    expect(request.headers['authorization']).toBe('Bearer xoxb-1');
  });
});

describe('failures', () => {
  it('a 5xx is retryable and names only scheme and host, never the webhook path', async () => {
    sink.respondWith = 503;
    try {
      const error = await notifier(settings('slack', { address: `${sink.url}/services/T000/B000/XXXXSECRET` })).post(event, AbortSignal.timeout(5_000)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).retryable).toBe(true);
      expect((error as DeliveryError).message).toBe(`${sink.url} answered 503`);
    } finally {
      sink.respondWith = 200;
    }
  });

  it('a 4xx is not retried', async () => {
    sink.respondWith = 400;
    try {
      const error = (await notifier(settings('generic')).post(event, AbortSignal.timeout(5_000)).catch((e: unknown) => e)) as DeliveryError;
      expect(error.retryable).toBe(false);
    } finally {
      sink.respondWith = 200;
    }
  });

  it('an unsupported type is a configuration error naming it', () => {
    expect((notifierFor(settings('pigeon')) as ProviderConfigError).message).toMatch(/^spec.type pigeon is not supported by Fluxion yet/);
  });
});
