// Receivers on a real API server: status.webhookPath and Ready; a signed GitHub push annotates the GitRepository;
// forged or missing signatures (401), oversized bodies (413) and unknown paths (404) annotate nothing.
import { createHash, createHmac } from 'node:crypto';
import type { GitRepository, Receiver } from '@fluxion/api';
import { ReconcileRequestAnnotation } from '@fluxion/api';
import { eventually } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiver, secret, startHarness, type Harness } from './support/harness.ts';

let harness: Harness;
let namespace: string;
const token = 'receiver-token-1234';
const pushBody = JSON.stringify({ ref: 'refs/heads/main', after: '0123456789abcdef0123456789abcdef01234567' });

beforeAll(async () => {
  harness = await startHarness();
  namespace = harness.namespace;
  const { client } = harness;
  await client.create(secret(namespace, 'webhook-token', { token }));
  for (const [name, labels] of [
    ['webapp', { team: 'web' }],
    ['api', { team: 'web' }],
    ['infra', { team: 'ops' }],
  ] as const) {
    await client.create<GitRepository>({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name, namespace, labels },
      spec: { interval: '1h', url: `https://example.com/${name}.git` },
    });
  }
  await client.create(
    receiver(namespace, 'github', {
      type: 'github',
      events: ['ping', 'push'],
      secretRef: { name: 'webhook-token' },
      resources: [{ kind: 'GitRepository', name: 'webapp' }],
    }),
  );
  await client.create(
    receiver(namespace, 'by-label', {
      type: 'generic',
      secretRef: { name: 'webhook-token' },
      resources: [
        { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: '*', matchLabels: { team: 'web' } },
      ],
    }),
  );
  await client.create(
    receiver(namespace, 'no-secret', {
      type: 'generic',
      secretRef: { name: 'missing' },
      resources: [{ kind: 'GitRepository', name: 'webapp' }],
    }),
  );
});

afterAll(async () => {
  await harness?.stop();
});

async function readyReceiver(name: string): Promise<Receiver> {
  return eventually(async () => {
    const found = await harness.client.get<Receiver>({
      apiVersion: 'notification.toolkit.fluxcd.io/v1',
      kind: 'Receiver',
      namespace,
      name,
    });
    const ready = found.status?.conditions?.find((condition) => condition.type === 'Ready');
    if (!ready || found.status?.observedGeneration !== found.metadata?.generation)
      throw new Error(`Receiver ${name} not reconciled yet`);
    // the webhook server finds Receivers through its cache
    if (!harness.controller.receivers.get(namespace, name)?.status?.webhookPath && ready.status === 'True')
      throw new Error('cache behind');
    return found;
  });
}

async function requestedAt(name: string): Promise<string | undefined> {
  const found = await harness.client.get<GitRepository>({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    namespace,
    name,
  });
  return found.metadata?.annotations?.[ReconcileRequestAnnotation];
}

function post(path: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${harness.controller.receiverServer!.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const githubHeaders = (body: string, key = token, event = 'push') => ({
  'X-GitHub-Event': event,
  'X-Hub-Signature-256': `sha256=${createHmac('sha256', key).update(body).digest('hex')}`,
});

describe('Receiver status', () => {
  it("has Flux's webhook path and is Ready", async () => {
    const github = await readyReceiver('github');
    const path = `/hook/${createHash('sha256').update(`${token}github${namespace}`).digest('hex')}`;
    expect(github.status?.webhookPath).toBe(path);
    expect(github.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'Succeeded',
      message: `Receiver initialized for path: ${path}`,
    });
  });

  it('names the missing Secret when it cannot have a path', async () => {
    const broken = await readyReceiver('no-secret');
    expect(broken.status?.webhookPath).toBeUndefined();
    expect(broken.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'TokenNotFound',
      message: `Secret ${namespace}/missing not found`,
    });
  });
});

describe('Receiver calls', () => {
  it('a forged or missing signature is 401 and annotates nothing; the secret is not logged', async () => {
    const path = (await readyReceiver('github')).status!.webhookPath!;
    expect((await post(path, pushBody, githubHeaders(pushBody, 'forged-key'))).status).toBe(401);
    expect((await post(path, pushBody, { 'X-GitHub-Event': 'push' })).status).toBe(401);
    expect(await requestedAt('webapp')).toBeUndefined();
    expect(harness.logs.join('\n')).not.toContain(token);
  });

  it('a body over 1 MiB is 413 and an unknown path 404', async () => {
    const path = (await readyReceiver('github')).status!.webhookPath!;
    const big = JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 10) });
    expect((await post(path, big, githubHeaders(big))).status).toBe(413);
    expect((await post('/hook/0000', pushBody, githubHeaders(pushBody))).status).toBe(404);
    expect((await post('/anything', pushBody, {})).status).toBe(404);
    expect(await requestedAt('webapp')).toBeUndefined();
  });

  it('GitHub ping is answered without a reconcile; a signed push annotates the GitRepository', async () => {
    const path = (await readyReceiver('github')).status!.webhookPath!;
    const ping = await post(path, '{"zen":"hi"}', githubHeaders('{"zen":"hi"}', token, 'ping'));
    expect(ping.status).toBe(200);
    expect(await requestedAt('webapp')).toBeUndefined();
    const before = Date.now();
    const push = await post(path, pushBody, githubHeaders(pushBody));
    expect(push.status).toBe(200);
    const annotation = await requestedAt('webapp');
    expect(annotation).toBeDefined();
    expect(Date.parse(annotation!)).toBeGreaterThanOrEqual(before - 1000);
    expect(await requestedAt('api')).toBeUndefined();
  });

  it("matchLabels with '*' annotates every labelled object and only those", async () => {
    const path = (await readyReceiver('by-label')).status!.webhookPath!;
    expect((await post(path, '{}', {})).status).toBe(200);
    expect(await requestedAt('api')).toBeDefined();
    expect(await requestedAt('infra')).toBeUndefined();
  });

  it('a suspended Receiver answers 503 and annotates nothing', async () => {
    const path = (await readyReceiver('by-label')).status!.webhookPath!;
    const before = await requestedAt('api');
    await harness.client.patch(
      { apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver', namespace, name: 'by-label' },
      { spec: { suspend: true } },
      'merge',
    );
    await eventually(() => {
      if (!harness.controller.receivers.get(namespace, 'by-label')?.spec?.suspend) throw new Error('cache behind');
    });
    expect((await post(path, '{}', {})).status).toBe(503);
    expect(await requestedAt('api')).toBe(before);
  });
});
