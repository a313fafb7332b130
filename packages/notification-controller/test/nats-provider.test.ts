// The nats provider against a real nats-server: the event JSON arrives on the subject named by the channel.
import { startNatsServer, type NatsServer } from '@fluxion/testenv';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FluxEvent } from '../src/flux-event.ts';
import { natsNotifier } from '../src/providers/nats.ts';
import { DeliveryError, type ProviderSettings } from '../src/providers/notifier.ts';

let server: NatsServer;
let subscriber: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  subscriber = await connect({ servers: server.url });
});
afterAll(async () => {
  await subscriber?.close();
  await server?.stop();
});

const event: FluxEvent = {
  involvedObject: { kind: 'GitRepository', name: 'webapp', namespace: 'apps' },
  severity: 'info',
  timestamp: '2026-01-01T10:00:00Z',
  message: "stored artifact for commit 'Add web'",
  reason: 'NewArtifact',
  metadata: { revision: 'main@sha1:abc' },
  reportingController: 'source-controller',
};

const settings = (overrides: Partial<ProviderSettings>): ProviderSettings => ({
  type: 'nats',
  uid: 'u',
  address: server.url,
  channel: 'flux.events',
  username: '',
  token: '',
  password: '',
  headers: {},
  proxy: '',
  timeoutMs: 5_000,
  tls: {},
  ...overrides,
});

describe('nats', () => {
  it('publishes the event JSON on the channel subject, reusing one connection', async () => {
    const subscription = subscriber.subscribe('flux.events', { max: 2 });
    await subscriber.flush();
    const notifier = natsNotifier(settings({}));
    await notifier.post(event, AbortSignal.timeout(5_000));
    await notifier.post({ ...event, message: 'second' }, AbortSignal.timeout(5_000));
    const received: unknown[] = [];
    for await (const message of subscription) received.push(JSON.parse(new TextDecoder().decode(message.data)));
    expect(received).toEqual([event, { ...event, message: 'second' }]);
    await notifier.close?.();
  });

  it('an unreachable server is a retryable error naming the server, not a crash', async () => {
    const notifier = natsNotifier(settings({ address: 'nats://127.0.0.1:1', timeoutMs: 1_000 }));
    const error = await notifier.post(event, AbortSignal.timeout(5_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).retryable).toBe(true);
    expect((error as DeliveryError).message).toContain('NATS server nats://127.0.0.1:1');
  });
});
