// A registry that misbehaves, played by a real HTTP server on loopback: 429 with Retry-After (waited for, then
// the scan succeeds), a 429 that never ends, a tag list that is not JSON, no answer at all, a 401 without a challenge. Each ends as a
// condition naming the URL; the last good tag list and status stay.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pollUntil } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  imagePolicy,
  imageRepository,
  readPolicy,
  readRepository,
  readyOf,
  startHarness,
  waitForReady,
} from './support/harness.ts';

type Answer = (request: IncomingMessage, response: ServerResponse) => void;

/** Serves /v2/<repository>/tags/list from a queue of scripted answers per repository (the last one repeats). */
class ScriptedRegistry {
  readonly answers = new Map<string, Answer[]>();
  readonly hits = new Map<string, number[]>();
  server!: Server;
  host = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const match = /^\/v2\/(.+)\/tags\/list/.exec(request.url ?? '');
      if (request.url === '/v2/') return void response.writeHead(200).end('{}');
      // No manifests here: a digest lookup is answered as a registry answers for a tag it does not have.
      if (!match)
        return void response
          .writeHead(404, { 'Content-Type': 'application/json' })
          .end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      const repository = match[1]!;
      this.hits.set(repository, [...(this.hits.get(repository) ?? []), Date.now()]);
      const queue = this.answers.get(repository) ?? [];
      const answer = queue.length > 1 ? queue.shift()! : queue[0];
      if (!answer) return void response.writeHead(404).end();
      answer(request, response);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const tags =
  (names: string[]): Answer =>
  (_request, response) =>
    void response
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ name: 'x', tags: names }));
const tooMany =
  (retryAfterSeconds: number): Answer =>
  (_request, response) =>
    void response
      .writeHead(429, { 'Retry-After': String(retryAfterSeconds), 'Content-Type': 'application/json' })
      .end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }));

describe('a misbehaving registry', () => {
  let harness: Harness;
  const registry = new ScriptedRegistry();

  beforeAll(async () => {
    harness = await startHarness({ prefix: 'irc-faults', registry: { maxRetries: 2 } });
    await registry.start();
  });
  afterAll(async () => {
    await harness?.stop();
    await registry.stop();
  });

  it('a 429 with Retry-After is waited for as asked, then the scan succeeds', async () => {
    registry.answers.set('slow/app', [tooMany(2), tags(['1.0.0', '1.1.0'])]);
    await harness.client.create(
      imageRepository(harness.namespace, 'slow', { image: `${registry.host}/slow/app`, insecure: true }),
    );
    const scanned = await waitForReady(
      () => readRepository(harness, 'slow'),
      (ready) => ready.status === 'True',
      'slow scanned',
    );
    expect(scanned.status?.lastScanResult?.tagCount).toBe(2);
    const [first, second] = registry.hits.get('slow/app')!;
    expect(second! - first!).toBeGreaterThanOrEqual(1_900);
  });

  it('a 429 that does not end is Ready=False naming the URL and the rate limit, without a crash loop', async () => {
    registry.answers.set('limited/app', [tooMany(1)]);
    await harness.client.create(
      imageRepository(harness.namespace, 'limited', { image: `${registry.host}/limited/app`, insecure: true }),
    );
    const failed = await waitForReady(
      () => readRepository(harness, 'limited'),
      (ready) => ready.status === 'False',
      'limited fails',
    );
    expect(readyOf(failed)?.message).toBe(
      `GET http://${registry.host}/v2/limited/app/tags/list: HTTP 429 (TOOMANYREQUESTS: slow down): rate limited by the registry`,
    );
  });

  it('a tag list that is not JSON is named; the last good scan and the policy on it stay', async () => {
    registry.answers.set('flaky/app', [tags(['1.0.0', '1.2.0'])]);
    await harness.client.create(
      imageRepository(harness.namespace, 'flaky', {
        image: `${registry.host}/flaky/app`,
        insecure: true,
        interval: '1s',
      }),
    );
    await harness.client.create(imagePolicy(harness.namespace, 'flaky', { imageRepositoryRef: { name: 'flaky' } }));
    const good = await waitForReady(
      () => readRepository(harness, 'flaky'),
      (ready) => ready.status === 'True',
      'flaky scanned',
    );
    await waitForReady(
      () => readPolicy(harness, 'flaky'),
      (ready) => ready.status === 'True',
      'flaky policy',
    );

    registry.answers.set('flaky/app', [
      (_request, response) =>
        void response.writeHead(200, { 'Content-Type': 'application/json' }).end('<html>oops</html>'),
    ]);
    const broken = await waitForReady(
      () => readRepository(harness, 'flaky'),
      (ready) => ready.status === 'False',
      'flaky breaks',
    );
    expect(readyOf(broken)?.message).toBe(`http://${registry.host}/v2/flaky/app/tags/list: the tag list is not JSON`);
    expect(broken.status?.lastScanResult).toEqual(good.status?.lastScanResult);
    const policy = await readPolicy(harness, 'flaky');
    expect(policy.status?.latestRef?.tag).toBe('1.2.0');
    expect(readyOf(policy)?.status).toBe('True');
  });

  it('a digest the registry cannot give fails the policy naming the tag and the ImageRepository, not Stalled', async () => {
    registry.answers.set('nodigest/app', [tags(['4.0.0'])]);
    await harness.client.create(
      imageRepository(harness.namespace, 'nodigest', { image: `${registry.host}/nodigest/app`, insecure: true }),
    );
    await harness.client.create(
      imagePolicy(harness.namespace, 'nodigest', {
        imageRepositoryRef: { name: 'nodigest' },
        digestReflectionPolicy: 'IfNotPresent',
      }),
    );
    const failed = await waitForReady(
      () => readPolicy(harness, 'nodigest'),
      // before the repository's first scan the policy waits on it (also Ready=False): wait past that to the digest
      (ready) => ready.status === 'False' && !ready.message?.endsWith('has not been scanned yet'),
      'nodigest fails',
    );
    expect(readyOf(failed)?.message).toMatch(
      new RegExp(
        `^digest of tag '4\\.0\\.0' via ImageRepository ${harness.namespace}/nodigest: HEAD http://${registry.host}/v2/nodigest/app/manifests/4\\.0\\.0: HTTP 404`,
      ),
    );
    expect(failed.status?.conditions?.some((condition) => condition.type === 'Stalled')).toBe(false);
  });

  it('a registry that never answers is cut off at spec.timeout, and the repository says so', async () => {
    registry.answers.set('hanging/app', [() => undefined]);
    await harness.client.create(
      imageRepository(harness.namespace, 'hanging', {
        image: `${registry.host}/hanging/app`,
        insecure: true,
        timeout: '1s',
      }),
    );
    const failed = await waitForReady(
      () => readRepository(harness, 'hanging'),
      (ready) => ready.status === 'False',
      'hanging cut off',
    );
    expect(readyOf(failed)?.message).toBe(
      `${registry.host}/hanging/app: no answer within spec.timeout (the interval when unset)`,
    );
  });

  it('a 401 with no challenge is AuthenticationFailed naming the URL and what to check', async () => {
    registry.answers.set('locked/app', [(_request, response) => void response.writeHead(401).end()]);
    await harness.client.create(
      imageRepository(harness.namespace, 'locked', { image: `${registry.host}/locked/app`, insecure: true }),
    );
    const failed = await waitForReady(
      () => readRepository(harness, 'locked'),
      (ready) => ready.status === 'False',
      'locked fails',
    );
    expect(readyOf(failed)?.reason).toBe('AuthenticationFailed');
    expect(readyOf(failed)?.message).toContain(`http://${registry.host}/v2/locked/app/tags/list`);
    expect(readyOf(failed)?.message).toContain('check spec.secretRef or spec.serviceAccountName');
    // Retried with backoff, not in a tight loop.
    const hitsAfterFailure = registry.hits.get('locked/app')!.length;
    await pollUntil(
      'a couple of retries',
      async () => (registry.hits.get('locked/app')!.length > hitsAfterFailure ? true : undefined),
      10_000,
    );
  });
});
