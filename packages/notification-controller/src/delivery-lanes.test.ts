// Delivery lanes against real local HTTP servers: a hanging provider, a failing one, a healthy one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startWebhookSink, type WebhookSink } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryLanes } from './delivery-lanes.ts';
import { postJson } from './providers/http-post.ts';
import type { DeliveryError } from './providers/notifier.ts';

let sink: WebhookSink;
let hanging: Server;
let hangingUrl: string;

beforeAll(async () => {
  sink = await startWebhookSink();
  // accepts the request and never answers
  hanging = createServer(() => undefined);
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sink.stop();
  hanging.closeAllConnections();
  await new Promise((resolve) => hanging.close(resolve));
});

describe('DeliveryLanes', () => {
  it('a hanging provider is cut at its timeout and retried, while another lane delivers at once', async () => {
    const lanes = new DeliveryLanes({ maxAttempts: 2, retryBaseMs: 10 });
    const gaveUp: string[] = [];
    for (let i = 0; i < 3; i++) {
      lanes.enqueue({
        lane: 'slow',
        send: (signal) => postJson(hangingUrl, { i }, { timeoutMs: 300, signal }).then(() => undefined),
        onGiveUp: (error, attempts) => gaveUp.push(`${attempts}: ${error.message}`),
      });
    }
    lanes.enqueue({
      lane: 'fast',
      send: (signal) => postJson(`${sink.url}/fast`, { hello: 1 }, { timeoutMs: 5_000, signal }).then(() => undefined),
      onGiveUp: () => undefined,
    });
    const fast = await sink.waitFor((request) => request.path === '/fast', 5_000);
    // the fast lane was not queued behind the slow one, which is still waiting on its first attempts
    expect(gaveUp).toEqual([]);
    expect(fast.body).toBe('{"hello":1}');
    await lanes.idle();
    expect(gaveUp).toEqual(Array(3).fill(`2: ${hangingUrl} did not answer within 300 ms`));
  });

  it('retries a 5xx until it succeeds, within the bound', async () => {
    const lanes = new DeliveryLanes({ maxAttempts: 4, retryBaseMs: 10 });
    let attempts = 0;
    sink.respondWith = 502;
    const delivered = new Promise<boolean>((resolve) =>
      lanes.enqueue({
        lane: 'flaky',
        send: async (signal) => {
          attempts += 1;
          if (attempts === 3) sink.respondWith = 200;
          await postJson(`${sink.url}/flaky`, { attempts }, { timeoutMs: 5_000, signal });
        },
        onGiveUp: () => undefined,
        onSettled: resolve,
      }),
    );
    expect(await delivered).toBe(true);
    expect(attempts).toBe(3);
  });

  it('gives up after the bound with the last answer, once', async () => {
    const lanes = new DeliveryLanes({ maxAttempts: 3, retryBaseMs: 5 });
    sink.respondWith = 500;
    const reports: string[] = [];
    try {
      lanes.enqueue({
        lane: 'down',
        send: (signal) => postJson(`${sink.url}/down`, {}, { timeoutMs: 5_000, signal }).then(() => undefined),
        onGiveUp: (error: DeliveryError, attempts) => reports.push(`${attempts} ${error.status}`),
      });
      await lanes.idle();
    } finally {
      sink.respondWith = 200;
    }
    expect(reports).toEqual(['3 500']);
    expect(sink.requests.filter((request) => request.path === '/down')).toHaveLength(3);
  });
});
