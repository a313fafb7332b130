// A registry tag API for benchmarks: a real HTTP server on loopback answering /v2/ and paged
// /v2/<repository>/tags/list (Link: rel="next", Docker Hub's 100 a page) for many repositories at once, counting
// every request. Pushing 100,000 tags through docker-registry would take the benchmark's whole budget.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TagServer {
  host: string;
  /** Requests answered, in total and per repository. */
  requests: number;
  requestsOf(repository: string): number;
  setTags(repository: string, tags: string[]): void;
  stop(): Promise<void>;
}

export async function startTagServer(pageSize = 100): Promise<TagServer> {
  const tagsByRepository = new Map<string, string[]>();
  const hits = new Map<string, number>();
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests++;
    const url = new URL(request.url ?? '/', 'http://registry');
    if (url.pathname === '/v2/') return void response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    const match = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    const tags = match ? tagsByRepository.get(match[1]!) : undefined;
    if (!match || !tags)
      return void response
        .writeHead(404, { 'Content-Type': 'application/json' })
        .end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
    const repository = match[1]!;
    hits.set(repository, (hits.get(repository) ?? 0) + 1);
    const size = Number(url.searchParams.get('n') ?? pageSize);
    const last = url.searchParams.get('last');
    const start = last === null ? 0 : tags.findIndex((tag) => tag > last);
    const page = start < 0 ? [] : tags.slice(start, start + size);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (start >= 0 && start + size < tags.length) {
      headers['Link'] =
        `</v2/${repository}/tags/list?n=${size}&last=${encodeURIComponent(page[page.length - 1]!)}>; rel="next"`;
    }
    response.writeHead(200, headers).end(JSON.stringify({ name: repository, tags: page }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests;
    },
    requestsOf: (repository) => hits.get(repository) ?? 0,
    setTags: (repository, tags) => void tagsByRepository.set(repository, [...tags].sort()),
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
