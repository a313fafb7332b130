// Registry traffic through an HTTP proxy: every connection is a CONNECT tunnel (HTTPS and plain HTTP alike), with
// Basic proxy credentials when given. The proxy's address and credentials never appear in an error message.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

export interface RegistryProxy {
  /** `http://host:port` of the proxy. */
  address: string;
  username?: string;
  password?: string;
}

type CreateCallback = (error: Error | null, stream: Duplex) => void;

/** An agent whose sockets are tunnels through the proxy; `secure` wraps each in TLS with `tlsOptions`. */
export function proxyAgent(proxy: RegistryProxy, secure: boolean, tlsOptions: https.AgentOptions = {}): http.Agent {
  const proxyUrl = parseProxyAddress(proxy.address);
  const base = secure ? https.Agent : http.Agent;
  class TunnelAgent extends base {
    override createConnection(options: http.ClientRequestArgs, callback?: CreateCallback): Duplex | undefined {
      const succeed = (stream: Duplex): void => callback?.(null, stream);
      // Node's agents accept the error alone; the type asks for a stream too.
      const fail = (error: Error): void => (callback as ((error: Error) => void) | undefined)?.(error);
      const host = options.host ?? options.hostname ?? 'localhost';
      const target = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${options.port ?? (secure ? 443 : 80)}`;
      const headers: Record<string, string> = { Host: target };
      if (proxy.username || proxy.password) {
        headers['Proxy-Authorization'] = `Basic ${Buffer.from(`${proxy.username ?? ''}:${proxy.password ?? ''}`).toString('base64')}`;
      }
      const connect = http.request({ host: proxyUrl.hostname, port: Number(proxyUrl.port || 80), method: 'CONNECT', path: target, headers });
      connect.once('connect', (response, socket) => {
        if (response.statusCode !== 200) {
          socket.destroy();
          fail(new Error(`the proxy refused to tunnel to ${target} (HTTP ${response.statusCode})`));
          return;
        }
        if (!secure) return succeed(socket);
        const tlsOptions = options as tls.ConnectionOptions;
        const servername = tlsOptions.servername ?? (host.startsWith('[') ? undefined : host);
        const secured = tls.connect({ ...tlsOptions, socket, ...(servername ? { servername } : {}) });
        secured.once('secureConnect', () => succeed(secured));
        secured.once('error', fail);
      });
      // No code on these errors: the registry client then shows the message, which names no proxy address.
      connect.once('error', (error) => fail(new Error(`the proxy could not be reached (${(error as NodeJS.ErrnoException).code ?? error.message})`)));
      connect.end();
      return undefined;
    }
  }
  return new TunnelAgent({ keepAlive: true, maxSockets: 16, ...tlsOptions });
}

function parseProxyAddress(address: string): URL {
  let url: URL;
  try {
    url = new URL(address.includes('://') ? address : `http://${address}`);
  } catch {
    throw new Error('the proxy address is not a URL');
  }
  if (url.protocol !== 'http:') throw new Error(`the proxy address must be http:// (got ${url.protocol}//)`);
  return url;
}
