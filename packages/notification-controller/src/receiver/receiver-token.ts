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
  return token;
}
