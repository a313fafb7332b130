// Flux's event API: `POST /` with Flux's event JSON on --events-addr, so Flux's own controllers can send here too.
// Answers 202 once the event is taken; delivery goes on in the pipeline.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@fluxion/runtime';
import { listenHttp, type ListenAddress, type RunningHttpServer } from '@fluxion/runtime';
import { EventFormatError, parseFluxEvent, type FluxEvent } from './flux-event.ts';
import { BodyTooLargeError, readBody } from './read-body.ts';

export const maxEventBodyBytes = 4 * 1024 * 1024;

export function eventApiHandler(accept: (event: FluxEvent) => void, logger: Logger) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
      res.writeHead(req.method === 'POST' ? 404 : 405).end();
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, maxEventBodyBytes);
    } catch (error) {
      res.writeHead(error instanceof BodyTooLargeError ? 413 : 400, { connection: 'close' }).end();
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('the body is not JSON\n');
      return;
    }
    const event = parseFluxEvent(json);
    if (event instanceof EventFormatError) {
      logger.debug({ reason: event.message }, 'Event refused');
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`${event.message}\n`);
      return;
    }
    accept(event);
    res.writeHead(202).end();
  };
}

export function startEventServer(
  address: ListenAddress,
  accept: (event: FluxEvent) => void,
  logger: Logger,
): Promise<RunningHttpServer> {
  const handle = eventApiHandler(accept, logger);
  return listenHttp(address, (req, res) => void handle(req, res));
}
