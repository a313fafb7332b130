import { describe, expect, it } from 'vitest';
import { AlertNoiseFilter, formatElapsed } from './alert-noise.ts';
import type { FluxEvent } from './flux-event.ts';

const failure = (message: string): FluxEvent => ({
  involvedObject: { kind: 'Kustomization', name: 'web', namespace: 'apps' },
  severity: 'error',
  timestamp: '2026-01-01T00:00:00Z',
  message,
  reason: 'ReconciliationFailed',
  reportingController: 'kustomize-controller',
});
const success: FluxEvent = {
  ...failure('Applied revision: main@sha1:abc'),
  severity: 'info',
  reason: 'ReconciliationSucceeded',
};

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('AlertNoiseFilter, on-change', () => {
  it('sends a failure once, again when its message changes, then one recovery with the time it took', () => {
    const time = clock();
    const filter = new AlertNoiseFilter({ mode: 'on-change', rateLimitMs: 300_000, now: time.now });
    const sent = (event: FluxEvent) => filter.decide('alert', event, true).send?.message;
    expect(sent(failure('health check failed'))).toBe('health check failed');
    time.advance(60_000);
    expect(sent(failure('health check failed'))).toBeUndefined();
    time.advance(10 * 60_000);
    expect(sent(failure('health check failed'))).toBeUndefined();
    expect(sent(failure('dry-run failed: web.yaml'))).toBe('dry-run failed: web.yaml');
    time.advance(60_000);
    expect(sent(success)).toBe('Kustomization apps/web is Ready again after 12m: Applied revision: main@sha1:abc');
    expect(sent(success)).toBeUndefined();
  });

  it('repeats an unchanged failure only after the reminder interval', () => {
    const time = clock();
    const filter = new AlertNoiseFilter({ mode: 'on-change', rateLimitMs: 300_000, now: time.now });
    expect(filter.decide('a', failure('x'), true, 3_600_000).send).toBeDefined();
    time.advance(30 * 60_000);
    expect(filter.decide('a', failure('x'), true, 3_600_000).send).toBeUndefined();
    time.advance(31 * 60_000);
    expect(filter.decide('a', failure('x'), true, 3_600_000).send).toBeDefined();
  });

  it('gives an error-only Alert the recovery of the failure it sent, and no other info event', () => {
    const filter = new AlertNoiseFilter({ mode: 'on-change', rateLimitMs: 300_000 });
    expect(filter.decide('errors', success, false).send).toBeUndefined();
    expect(filter.decide('errors', failure('boom'), true).send).toBeDefined();
    expect(filter.decide('errors', success, false).send?.message).toMatch(/is Ready again after/);
    expect(filter.decide('errors', success, false).send).toBeUndefined();
  });

  it('keeps Alerts apart: each one gets the first failure', () => {
    const filter = new AlertNoiseFilter({ mode: 'on-change', rateLimitMs: 300_000 });
    expect(filter.decide('a', failure('x'), true).send).toBeDefined();
    expect(filter.decide('b', failure('x'), true).send).toBeDefined();
  });
});

describe("AlertNoiseFilter, flux (Flux's behaviour)", () => {
  it('sends every event, holding back identical ones within the rate limit', () => {
    const time = clock();
    const filter = new AlertNoiseFilter({ mode: 'flux', rateLimitMs: 300_000, now: time.now });
    expect(filter.decide('a', failure('x'), true).send).toBeDefined();
    time.advance(60_000);
    expect(filter.decide('a', failure('x'), true).heldBack).toBe('rate-limited');
    time.advance(300_000);
    expect(filter.decide('a', failure('x'), true).send?.message).toBe('x');
    expect(filter.decide('a', success, true).send?.message).toBe(success.message);
  });
});

describe('formatElapsed', () => {
  it('rounds for people', () => {
    expect([
      formatElapsed(4_400),
      formatElapsed(12 * 60_000 + 10_000),
      formatElapsed(65 * 60_000),
      formatElapsed(120 * 60_000),
    ]).toEqual(['4s', '12m', '1h5m', '2h']);
  });
});
