// Deliveries through a real local HTTP proxy: absolute URIs for http targets, CONNECT tunnels for https.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createTestCertificates, startWebhookSink, type TestCertificates, type WebhookSink } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from './http-post.ts';
import { DeliveryError } from './notifier.ts';

let sink: WebhookSink;
let proxy: Server;
let proxyUrl: string;
let tlsServer: HttpsServer;
let tlsUrl: string;
let certificates: TestCertificates;
const seen: { method: string; url: string; authorization: string | undefined }[] = [];
const tlsBodies: string[] = [];
let refuseConnect = false;
// tunnels leave the proxy's own connection tracking: closed by hand
const tunnels = new Set<Socket>();

const listen = async (server: Server | HttpsServer): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

beforeAll(async () => {
  sink = await startWebhookSink();
  certificates = await createTestCertificates();
  tlsServer = createHttpsServer({ cert: certificates.serverCert, key: certificates.serverKey }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => (tlsBodies.push(Buffer.concat(chunks).toString()), res.writeHead(200).end()));
  });
  tlsUrl = `https://127.0.0.1:${await listen(tlsServer)}`;
  proxy = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers['proxy-authorization'] });
    const forward = httpRequest(
      req.url ?? '',
      { method: req.method, headers: req.headers },
      (answer: IncomingMessage) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  proxy.on('connect', (req: IncomingMessage, client: Socket) => {
    seen.push({ method: 'CONNECT', url: req.url ?? '', authorization: req.headers['proxy-authorization'] });
    tunnels.add(client);
    if (refuseConnect) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
    const [host = '', port = ''] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      tunnels.add(upstream);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
  });
  proxyUrl = `http://user:p%40ss@127.0.0.1:${await listen(proxy)}`;
});

afterAll(async () => {
  await sink.stop();
  for (const socket of tunnels) socket.destroy();
  for (const server of [proxy, tlsServer]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('proxies', () => {
  it('sends an http delivery to the proxy as an absolute URI with Proxy-Authorization', async () => {
    await postJson(`${sink.url}/via-proxy`, { hello: 'proxy' }, { timeoutMs: 5_000, proxy: proxyUrl });
    const received = await sink.waitFor((request) => request.path === '/via-proxy');
    expect(received.body).toBe('{"hello":"proxy"}');
    expect(seen).toContainEqual({
      method: 'POST',
      url: `${sink.url}/via-proxy`,
      authorization: `Basic ${Buffer.from('user:p@ss').toString('base64')}`,
    });
  });

  it('tunnels an https delivery through CONNECT, trusting the Provider CA', async () => {
    await postJson(
      `${tlsUrl}/hook`,
      { hello: 'tls' },
      { timeoutMs: 5_000, proxy: proxyUrl, tls: { ca: certificates.caCert } },
    );
    expect(tlsBodies).toContain('{"hello":"tls"}');
    expect(seen.some((entry) => entry.method === 'CONNECT' && entry.url === tlsUrl.replace('https://', ''))).toBe(true);
  });

  it('a refused tunnel is a DeliveryError naming the proxy, not the target path', async () => {
    refuseConnect = true;
    try {
      const error = await postJson(
        `${tlsUrl}/secret-path`,
        {},
        { timeoutMs: 5_000, proxy: proxyUrl, tls: { ca: certificates.caCert } },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).message).toBe(
        `proxy ${proxyUrl.replace('user:p%40ss@', '')} refused the tunnel with 407`,
      );
      expect((error as DeliveryError).retryable).toBe(false);
    } finally {
      refuseConnect = false;
    }
  });
});
