// Serves the Prometheus registry on `/metrics` at `--metrics-addr`.
import { listenHttp, type ListenAddress, type RunningHttpServer } from './http-listener.ts';
import type { RuntimeMetrics } from './metrics.ts';

export function startMetricsServer(address: ListenAddress, metrics: RuntimeMetrics): Promise<RunningHttpServer> {
  return listenHttp(address, (request, response) => {
    const path = new URL(request.url ?? '/', 'http://metrics').pathname;
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    metrics.render().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) =>
        response
          .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
          .end(`collecting metrics failed: ${String(error)}\n`),
    );
  });
}
