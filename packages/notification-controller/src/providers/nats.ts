// nats: the event JSON published on the subject named by the Provider's channel, to the server at its address; a
// Secret's username/password (or token) authenticate. One connection per Provider, reused, closed when it changes.
import type { NatsConnection } from 'nats';
import type { FluxEvent } from '../flux-event.ts';
import { DeliveryError, type Notifier, type ProviderSettings } from './notifier.ts';

export function natsNotifier(settings: ProviderSettings): Notifier {
  let connection: Promise<NatsConnection> | undefined;
  const server = serverName(settings.address);
  const connected = (): Promise<NatsConnection> => {
    // loaded on first use: a controller without a NATS Provider does not carry the client (about 20 MiB)
    connection ??= import('nats')
      .then(({ connect }) =>
        connect({
          servers: settings.address,
          timeout: settings.timeoutMs,
          ...(settings.username ? { user: settings.username, pass: settings.password } : {}),
          ...(settings.token && !settings.username ? { token: settings.token } : {}),
        }),
      )
      .catch((error: unknown) => {
        connection = undefined;
        throw new DeliveryError(`NATS server ${server}: ${error instanceof Error ? error.message : String(error)}`, {
          retryable: true,
          cause: error,
        });
      });
    return connection;
  };
  return {
    async post(event: FluxEvent, signal: AbortSignal): Promise<void> {
      if (!settings.channel) throw new DeliveryError('spec.channel (the NATS subject) is empty', { retryable: false });
      const nc = await connected();
      if (nc.isClosed()) {
        connection = undefined;
        return this.post(event, signal);
      }
      nc.publish(settings.channel, JSON.stringify(event));
      // flush makes the server's acceptance (or the connection's failure) part of this delivery
      await nc.flush().catch((error: unknown) => {
        throw new DeliveryError(`NATS server ${server}: ${error instanceof Error ? error.message : String(error)}`, {
          retryable: true,
          cause: error,
        });
      });
    },
    async close(): Promise<void> {
      const pending = connection;
      connection = undefined;
      if (pending) await (await pending.catch(() => undefined))?.close();
    },
  };
}

function serverName(address: string): string {
  try {
    const url = new URL(address);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'at spec.address';
  }
}
