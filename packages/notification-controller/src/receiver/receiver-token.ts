// The Receiver's token: key `token` of the Secret named by spec.secretRef, in the Receiver's namespace.
import type { Receiver } from '@fluxion/api';
import type { KubeClient } from '@fluxion/runtime';
import { isNotFound } from '@fluxion/runtime';
import type { V1Secret } from '@kubernetes/client-node';

export class ReceiverTokenError extends Error {
  override readonly name = 'ReceiverTokenError';
  readonly reason = 'TokenNotFound';
}

export async function receiverToken(client: KubeClient, receiver: Receiver): Promise<string | ReceiverTokenError> {
  const secret = await receiverSecret(client, receiver);
  return secret instanceof ReceiverTokenError ? secret : secret.token;
}

/** The token and the Secret's other keys (a gcr Receiver's `email` and `audience`). */
export async function receiverSecret(
  client: KubeClient,
  receiver: Receiver,
): Promise<{ token: string; data: Record<string, string> } | ReceiverTokenError> {
  const namespace = receiver.metadata?.namespace ?? '';
  const name = receiver.spec?.secretRef.name ?? '';
  let secret: V1Secret;
  try {
    secret = await client.get<V1Secret>({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  } catch (error) {
    if (isNotFound(error)) return new ReceiverTokenError(`Secret ${namespace}/${name} not found`);
    throw error;
  }
  const encoded = secret.data?.['token'];
  if (!encoded) return new ReceiverTokenError(`Secret ${namespace}/${name} has no key token`);
  const token = Buffer.from(encoded, 'base64').toString('utf8').trim();
  if (!token) return new ReceiverTokenError(`Secret ${namespace}/${name} key token is empty`);
  const data = Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8').trim(),
    ]),
  );
  return { token, data };
}
