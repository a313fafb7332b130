// Flux's Receiver path: /hook/ and the hex sha256 of token + name + namespace; unguessable without the token.
import { createHash } from 'node:crypto';

export function webhookPath(token: string, name: string, namespace: string): string {
  return `/hook/${createHash('sha256')
    .update(token + name + namespace)
    .digest('hex')}`;
}
