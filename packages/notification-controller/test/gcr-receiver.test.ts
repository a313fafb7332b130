// A gcr Receiver on a real API server: a Pub/Sub push with an ID token signed by "Google" (a local key whose JWKS is
// served locally, the controller pointed at it by its --gcr-jwks-url option) annotates the ImageRepository; a forged
// token, another audience or service account, or no token is 401 and annotates nothing.
import type { Receiver } from '@fluxion/api';
import { ReconcileRequestAnnotation } from '@fluxion/api';
import { eventually } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gcrPush, startGoogleSigner, type GoogleSigner } from './support/google-signer.ts';
import { receiver, secret, startHarness, type Harness } from './support/harness.ts';

let harness: Harness;
let google: GoogleSigner;
let namespace: string;
const audience = 'https://flux.example.com/hook';
const email = 'pusher@project.iam.gserviceaccount.com';

beforeAll(async () => {
  google = await startGoogleSigner();
  harness = await startHarness({ gcrJwksUrl: google.jwksUrl });
  namespace = harness.namespace;
  const { client } = harness;
  await client.create(secret(namespace, 'gcr-token', { token: 'gcr-receiver-token', audience, email }));
  await client.create({
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    kind: 'ImageRepository',
    metadata: { name: 'app', namespace },
    spec: { image: 'gcr.io/project/app', interval: '1h' },
  });
  await client.create(
    receiver(namespace, 'gcr', {
      type: 'gcr',
      secretRef: { name: 'gcr-token' },
      resources: [{ apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImageRepository', name: 'app' }],
    }),
  );
});

afterAll(async () => {
  await harness?.stop();
  await google?.stop();
});

async function webhookPath(): Promise<string> {
  return eventually(() => {
    const path = harness.controller.receivers.get(namespace, 'gcr')?.status?.webhookPath;
    if (!path) throw new Error('the gcr Receiver has no path yet');
    return path;
  });
}

async function requestedAt(): Promise<string | undefined> {
  const found = await harness.client.get({
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    kind: 'ImageRepository',
    namespace,
    name: 'app',
  });
  return found.metadata?.annotations?.[ReconcileRequestAnnotation];
}

const push = async (path: string, authorization?: string): Promise<number> =>
  (
    await fetch(`${harness.controller.receiverServer!.url}${path}`, {
      method: 'POST',
      body: gcrPush('v1.2.3'),
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    })
  ).status;

describe('gcr Receiver', () => {
  it("refuses a push without Google's token for the Secret's audience and email: 401, nothing annotated", async () => {
    const path = await webhookPath();
    const [header, claims] = google.idToken().split('.');
    expect(await push(path)).toBe(401);
    expect(await push(path, `Bearer ${header}.${claims}.${Buffer.from('forged').toString('base64url')}`)).toBe(401);
    expect(await push(path, `Bearer ${google.idToken({ aud: 'https://elsewhere' })}`)).toBe(401);
    expect(await push(path, `Bearer ${google.idToken({ email: 'intruder@other.iam.gserviceaccount.com' })}`)).toBe(401);
    expect(await requestedAt()).toBeUndefined();
    expect(harness.logs.join('\n')).not.toContain('gcr-receiver-token');
  });

  it('a push signed by Google annotates the ImageRepository', async () => {
    const path = await webhookPath();
    const before = Date.now();
    expect(await push(path, `Bearer ${google.idToken({ aud: audience, email })}`)).toBe(200);
    const annotation = await requestedAt();
    expect(Date.parse(annotation ?? '')).toBeGreaterThanOrEqual(before - 1000);
    const found = await harness.client.get<Receiver>({
      apiVersion: 'notification.toolkit.fluxcd.io/v1',
      kind: 'Receiver',
      namespace,
      name: 'gcr',
    });
    expect(found.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });
});
