// The webhook server on --receiverAddr: `/hook/<digest>` finds the Receiver by status.webhookPath, checks the call
// as its type demands, and asks the targets to reconcile. 404 unknown path, 413 body over 1 MiB, 401 bad signature.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Receiver } from '@fluxion/api';
import type { KubeClient, Logger, Reflector } from '@fluxion/runtime';
import { BodyTooLargeError, readBody } from '../read-body.ts';
import { gcrEvent, GoogleIdTokenVerifier } from './google-id-token.ts';
import { verifyReceiverCall, type Verdict } from './receiver-verify.ts';
import { receiverSecret, ReceiverTokenError } from './receiver-token.ts';
import { requestReconcile } from './request-reconcile.ts';
import { webhookPath } from './webhook-path.ts';

export const maxReceiverBodyBytes = 1024 * 1024;
export const webhookPathIndex = 'webhook-path';

export interface ReceiverServerOptions {
  client: KubeClient;
  /** Indexed by `webhookPathIndex` (status.webhookPath). */
  receivers: Reflector<Receiver>;
  noCrossNamespaceRefs: boolean;
  logger: Logger;
  /** Checks gcr Receivers' Google ID tokens (its JWKS URL is a flag, for tests and private mirrors). */
  googleIdTokens?: GoogleIdTokenVerifier;
}

export function receiverHandler(options: ReceiverServerOptions) {
  const { logger } = options;
  const googleIdTokens = options.googleIdTokens ?? new GoogleIdTokenVerifier();
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const answer = (status: number, text: string): void => {
      res
        .writeHead(status, { 'content-type': 'text/plain', ...(status === 413 ? { connection: 'close' } : {}) })
        .end(`${text}\n`);
    };
    // paths are logged by their first characters only: the whole path is as good as the token for a generic Receiver
    const shortPath = path.length > 18 ? `${path.slice(0, 18)}...` : path;
    const receiver = path.startsWith('/hook/') ? options.receivers.byIndex(webhookPathIndex, path)[0] : undefined;
    if (!receiver) {
      logger.debug({ path: shortPath }, 'No Receiver for this path');
      return answer(404, 'not found');
    }
    const name = `${receiver.metadata?.namespace}/${receiver.metadata?.name}`;
    const log = logger.child({ receiver: name, type: receiver.spec?.type });
    if (req.method !== 'POST') return answer(405, 'only POST is accepted');
    if (receiver.spec?.suspend) return answer(503, 'the Receiver is suspended');
    let body: Buffer;
    try {
      body = await readBody(req, maxReceiverBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        log.info({ reason: error.message }, 'Receiver call refused: body too large');
        return answer(413, `the body is over ${maxReceiverBodyBytes} bytes`);
      }
      return answer(400, 'the body could not be read');
    }
    const secret = await receiverSecret(options.client, receiver).catch((error: unknown) => error as Error);
    if (secret instanceof Error) {
      log.warn(
        { reason: secret instanceof ReceiverTokenError ? secret.message : 'the API server could not be asked' },
        'Receiver call refused: no token',
      );
      return answer(secret instanceof ReceiverTokenError ? 404 : 503, 'not found');
    }
    const token = secret.token;
    // the token was rotated since status.webhookPath was written: the old path is dead
    if (webhookPath(token, receiver.metadata?.name ?? '', receiver.metadata?.namespace ?? '') !== path)
      return answer(404, 'not found');
    const verdict: Verdict =
      receiver.spec?.type === 'gcr'
        ? await verifyGcrCall(googleIdTokens, req.headers.authorization, body, secret.data)
        : verifyReceiverCall({
            type: receiver.spec?.type ?? '',
            headers: req.headers,
            body,
            token,
            events: receiver.spec?.events ?? [],
          });
    if (verdict.kind === 'reject') {
      log.info({ reason: verdict.message }, 'Receiver call refused');
      return answer(verdict.status, verdict.message);
    }
    if (verdict.kind === 'ignore') {
      log.debug({ reason: verdict.message }, 'Receiver call ignored');
      return answer(200, verdict.message);
    }
    const result = await requestReconcile(options.client, receiver, {
      noCrossNamespaceRefs: options.noCrossNamespaceRefs,
    });
    for (const failure of result.failures)
      log.warn({ event: verdict.event }, `Reconcile request failed for ${failure}`);
    log.info({ event: verdict.event, annotated: result.annotated }, 'Reconcile requested');
    if (result.annotated.length === 0 && result.failures.length > 0)
      return answer(500, `no target could be annotated: ${result.failures.join('; ')}`);
    return answer(200, `reconcile requested for ${result.annotated.length} object(s)`);
  };
}

/** gcr: Google's ID token (the Secret's `email` and `audience` when set), then a Pub/Sub push carrying a GCR event. */
async function verifyGcrCall(
  verifier: GoogleIdTokenVerifier,
  authorization: string | undefined,
  body: Buffer,
  data: Record<string, string>,
): Promise<Verdict> {
  const problem = await verifier.check(authorization, { audience: data['audience'], email: data['email'] });
  if (problem) return { kind: 'reject', status: 401, message: problem };
  const event = gcrEvent(body);
  if (!event) return { kind: 'reject', status: 400, message: 'the body is not a Pub/Sub push of a GCR event' };
  return { kind: 'accept', event: [event.action, event.tag ?? event.digest].filter(Boolean).join(' ') || undefined };
}
