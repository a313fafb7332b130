// Is this call really from the sender the Receiver names? Each type's signature or token header, and its event
// filter (`spec.events`). Pure: headers, body and token in, a verdict out.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Verdict =
  | { kind: 'accept'; event: string | undefined }
  /** Answered with 200 and nothing triggered (GitHub's ping, an event the Receiver does not want). */
  | { kind: 'ignore'; message: string }
  | { kind: 'reject'; status: 400 | 401; message: string };

export interface ReceiverCall {
  type: string;
  /** Lower-case header names, as node gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  token: string;
  /** spec.events: wanted event types; all when empty. */
  events: readonly string[];
}

export function verifyReceiverCall(call: ReceiverCall): Verdict {
  const header = (name: string): string | undefined => {
    const value = call.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  switch (call.type) {
    case 'generic':
      return { kind: 'accept', event: undefined };
    case 'generic-hmac': {
      const signature = header('X-Signature');
      if (!signature) return unauthorized('the X-Signature header is missing');
      return hmacMatches(signature, call.body, call.token)
        ? { kind: 'accept', event: undefined }
        : unauthorized('the X-Signature does not match');
    }
    case 'github': {
      const signature = header('X-Hub-Signature-256') ?? header('X-Hub-Signature');
      if (!signature) return unauthorized('the X-Hub-Signature-256 header is missing');
      if (!hmacMatches(signature, call.body, call.token)) return unauthorized('the X-Hub-Signature-256 does not match');
      const event = header('X-GitHub-Event');
      if (event === 'ping') return { kind: 'ignore', message: 'pong' };
      return filtered(event, call.events);
    }
    case 'gitlab': {
      const token = header('X-Gitlab-Token');
      if (!token) return unauthorized('the X-Gitlab-Token header is missing');
      if (!equalSecrets(token, call.token)) return unauthorized('the X-Gitlab-Token does not match');
      return filtered(header('X-Gitlab-Event'), call.events);
    }
    case 'bitbucket': {
      const signature = header('X-Hub-Signature');
      if (!signature) return unauthorized('the X-Hub-Signature header is missing');
      if (!hmacMatches(signature, call.body, call.token)) return unauthorized('the X-Hub-Signature does not match');
      return filtered(header('X-Event-Key'), call.events);
    }
    case 'harbor': {
      const authorization = header('Authorization');
      if (!authorization) return unauthorized('the Authorization header is missing');
      return equalSecrets(authorization, call.token)
        ? { kind: 'accept', event: undefined }
        : unauthorized('the Authorization header does not match');
    }
    case 'nexus': {
      const signature = header('X-Nexus-Webhook-Signature');
      if (!signature) return unauthorized('the X-Nexus-Webhook-Signature header is missing');
      const expected = createHmac('sha1', call.token).update(call.body).digest('hex');
      return equalSecrets(signature, expected)
        ? { kind: 'accept', event: undefined }
        : unauthorized('the X-Nexus-Webhook-Signature does not match');
    }
    case 'cdevents':
      return filtered(header('Ce-Type'), call.events);
    // these senders cannot sign; the unguessable path is the secret, as in Flux
    case 'dockerhub':
    case 'quay':
    case 'acr':
      return { kind: 'accept', event: undefined };
    default:
      return { kind: 'reject', status: 400, message: `Receiver type ${call.type} is not supported by Fluxion yet` };
  }
}

function filtered(event: string | undefined, wanted: readonly string[]): Verdict {
  if (wanted.length === 0) return { kind: 'accept', event };
  if (event && wanted.some((name) => name.toLowerCase() === event.toLowerCase())) return { kind: 'accept', event };
  return { kind: 'ignore', message: `event ${event ?? '(none)'} is not in spec.events` };
}

/** `sha1=<hex>`, `sha256=<hex>` or `sha512=<hex>` over the body, keyed with the token. */
function hmacMatches(signature: string, body: Buffer, token: string): boolean {
  const [algorithm, hex] = signature.split('=', 2);
  if (!hex || !['sha1', 'sha256', 'sha512'].includes(algorithm ?? '')) return false;
  const expected = createHmac(algorithm!, token).update(body).digest('hex');
  return equalSecrets(hex.toLowerCase(), expected);
}

function equalSecrets(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function unauthorized(message: string): Verdict {
  return { kind: 'reject', status: 401, message };
}
