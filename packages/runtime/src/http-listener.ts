// Listens on a Go-style address (`:8080`, `127.0.0.1:0`, `[::1]:9440`) and closes without waiting on idle clients.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListenAddress {
  /** Undefined means every interface, as `:8080` does in Go. */
  host?: string;
  port: number;
}

export class ListenAddressError extends Error {
  readonly reason = 'InvalidAddress';
  constructor(flagName: string, text: string) {
    super(`invalid ${flagName} "${text}": expected [host]:port, e.g. :8080 or 127.0.0.1:8080`);
    this.name = 'ListenAddressError';
  }
}

/** Parse `[host]:port`; `0` (or empty) turns the server off and gives undefined, as controller-runtime does. */
export function parseListenAddress(text: string, flagName = 'address'): ListenAddress | undefined {
  if (text === '0' || text === '') return undefined;
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  if (!match) throw new ListenAddressError(flagName, text);
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (port > 65_535) throw new ListenAddressError(flagName, text);
  return host ? { host, port } : { port };
}

export interface RunningHttpServer {
  readonly server: Server;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** `http://host:port`, with a loopback host when bound to every interface. */
  readonly url: string;
  close(): Promise<void>;
}

export async function listenHttp(address: ListenAddress, handler: RequestListener): Promise<RunningHttpServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = address.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port: bound.port,
    url: `http://${urlHost}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections from scrapers would otherwise hold the close open.
        server.closeAllConnections();
      }),
  };
}
