// Preloaded into the controller by the scale benchmark (`--import`): counts the controller's API requests by verb and
// resource, and writes the counts (and where the memory is) to $KC_REQUEST_COUNTS whenever the process gets SIGUSR2.
import http from 'node:http';
import https from 'node:https';
import { renameSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const counts = new Map<string, number>();
let snapshots = 0;

/** `GET deployments`, `PATCH kustomizations/status`, `GET deployments?watch`, `APPLY-DRYRUN configmaps`. */
function classify(method: string, url: URL, contentType: string | undefined): string {
  const parts = url.pathname.split('/').filter(Boolean);
  const namespaced = parts.indexOf('namespaces');
  const rest = namespaced >= 0 ? parts.slice(namespaced + 2) : parts.slice(parts[0] === 'api' ? 2 : 3);
  const resource = rest[0] ?? parts.join('/');
  const subresource = rest[2] ? `/${rest[2]}` : '';
  const collection =
    rest.length === 1 && method === 'GET' ? (url.searchParams.get('watch') ? ' (watch)' : ' (list)') : '';
  const verb = contentType === 'application/apply-patch+yaml' ? 'APPLY' : method;
  const dryRun = url.searchParams.get('dryRun') ? '-DRYRUN' : '';
  return `${verb}${dryRun} ${resource}${subresource}${collection}`;
}

for (const module of [http, https]) {
  const original = module.request.bind(module) as (...args: unknown[]) => http.ClientRequest;
  (module as { request: unknown }).request = (...args: unknown[]) => {
    const [target, options] = args as [URL | string, http.RequestOptions | undefined];
    if (target instanceof URL && options?.headers) {
      const headers = options.headers as Record<string, string>;
      const key = classify(options.method ?? 'GET', target, headers['Content-Type']);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return original(...args);
  };
}

process.on('SIGUSR2', () => {
  snapshots++;
  const path = process.env['KC_REQUEST_COUNTS'];
  const mib = (bytes: number) => Math.round(bytes / 1048576);
  const memory = {
    ...Object.fromEntries(Object.entries(process.memoryUsage()).map(([key, value]) => [key, mib(value)])),
    ...Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, mib(space.space_size)])),
  };
  // written whole, then renamed, so the benchmark never reads half a file
  if (path) {
    writeFileSync(`${path}.tmp`, JSON.stringify({ snapshot: snapshots, counts: Object.fromEntries(counts), memory }));
    renameSync(`${path}.tmp`, path);
  }
});
