// An unchanged OCIRepository is checked with a HEAD of its tag; a GET of a manifest or a blob is a pull, counted.
import { describe, expect, it } from 'vitest';
import { registryPulls } from './oci-repositories.ts';

// the two lines docker-registry writes per request: its structured line and the access-log line
const request = (method: string, path: string) =>
  `time="2026-12-03T15:47:36Z" level=info msg="response completed" http.request.method=${method} http.request.uri=${path} http.response.status=200\n` +
  `127.0.0.1 - - [03/Dec/2026:15:47:36 +0000] "${method} ${path} HTTP/1.1" 200 475 "" "source-controller"\n`;

describe('registryPulls', () => {
  it('counts each GET of a manifest or a blob once, and no HEAD', () => {
    const log =
      request('HEAD', '/v2/bench/app-0/manifests/v1.0.0') +
      request('GET', '/v2/bench/app-0/manifests/v1.0.0') +
      request('GET', '/v2/bench/app-0/blobs/sha256:0123') +
      request('GET', '/v2/') +
      request('PUT', '/v2/bench/app-1/manifests/v1.0.0');
    expect(registryPulls(log)).toBe(2);
  });
});
