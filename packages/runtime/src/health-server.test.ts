import { afterEach, describe, expect, it } from 'vitest';
import { HealthChecks, startHealthServer } from './health-server.ts';
import { ListenAddressError, parseListenAddress, type RunningHttpServer } from './http-listener.ts';
import { RuntimeMetrics } from './metrics.ts';
import { startMetricsServer } from './metrics-server.ts';

const servers: RunningHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function get(url: string): Promise<{ status: number; body: string; contentType: string | null }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text(), contentType: response.headers.get('content-type') };
}

describe('health server', () => {
  it('answers /healthz and /readyz with ok while every check passes', async () => {
    const checks = new HealthChecks();
    checks.addReadinessCheck('api-server', async () => {});
    const server = await startHealthServer({ host: '127.0.0.1', port: 0 }, checks);
    servers.push(server);
    expect(await get(`${server.url}/healthz`)).toMatchObject({ status: 200, body: 'ok\n' });
    expect(await get(`${server.url}/readyz`)).toMatchObject({ status: 200, body: 'ok\n' });
    const verbose = await get(`${server.url}/readyz?verbose`);
    expect(verbose.body).toContain('[+]api-server ok');
    expect(verbose.body).toContain('readyz check passed');
    expect((await get(`${server.url}/nope`)).status).toBe(404);
  });

  it('fails /readyz with the failing check and its reason, and leaves /healthz alone', async () => {
    const checks = new HealthChecks();
    let apiServerUp = false;
    checks.addReadinessCheck('api-server', () => {
      if (!apiServerUp) throw new Error('GET https://10.96.0.1/version: connection refused');
    });
    const server = await startHealthServer({ host: '127.0.0.1', port: 0 }, checks);
    servers.push(server);
    const notReady = await get(`${server.url}/readyz`);
    expect(notReady.status).toBe(500);
    expect(notReady.body).toContain('[-]api-server failed: GET https://10.96.0.1/version: connection refused');
    expect(notReady.body).toContain('[+]ping ok');
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
    apiServerUp = true;
    expect((await get(`${server.url}/readyz`)).status).toBe(200);
  });

  it('fails a check that never answers instead of hanging the probe', async () => {
    const checks = new HealthChecks({ timeoutMs: 50 });
    checks.addLivenessCheck('stuck', () => new Promise(() => {}));
    const server = await startHealthServer({ host: '127.0.0.1', port: 0 }, checks);
    servers.push(server);
    const response = await get(`${server.url}/healthz`);
    expect(response.status).toBe(500);
    expect(response.body).toContain('[-]stuck failed: no answer within 50ms');
  });

  it('refuses a check registered twice', () => {
    const checks = new HealthChecks();
    checks.addReadinessCheck('a', () => {});
    expect(() => checks.addReadinessCheck('a', () => {})).toThrow(/registered twice/);
  });
});

describe('metrics server', () => {
  it('serves the registry in Prometheus text format on /metrics', async () => {
    const metrics = new RuntimeMetrics();
    metrics.observeReconcile(
      'gitrepository',
      { kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' },
      0.2,
      'success',
    );
    metrics.recordConditions({ kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' }, [
      { type: 'Ready', status: 'False' },
    ]);
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0 }, metrics);
    servers.push(server);
    const response = await get(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.contentType).toContain('text/plain');
    expect(response.body).toContain(
      'fluxion_reconcile_duration_seconds_count{kind="GitRepository",namespace="flux-system",name="podinfo"} 1',
    );
    expect(response.body).toContain('fluxion_reconcile_total{controller="gitrepository",result="success"} 1');
    expect(response.body).toContain(
      'fluxion_reconcile_condition{kind="GitRepository",namespace="flux-system",name="podinfo",type="Ready",status="False"} 1',
    );
    expect(response.body).toContain(
      'fluxion_reconcile_condition{kind="GitRepository",namespace="flux-system",name="podinfo",type="Ready",status="True"} 0',
    );
  });

  it('flips the condition gauge when the status changes, and forgets a deleted object', async () => {
    const metrics = new RuntimeMetrics();
    const ref = { kind: 'Kustomization', namespace: 'apps', name: 'web' };
    metrics.recordConditions(ref, [{ type: 'Ready', status: 'False' }]);
    metrics.recordConditions(ref, [{ type: 'Ready', status: 'True' }]);
    let text = await metrics.render();
    expect(text).toContain('name="web",type="Ready",status="True"} 1');
    expect(text).toContain('name="web",type="Ready",status="False"} 0');
    metrics.observeReconcile('kustomization', ref, 1, 'success');
    metrics.forgetObject(ref);
    text = await metrics.render();
    expect(text).not.toContain('name="web"');
  });
});

describe('parseListenAddress', () => {
  it('reads Go-style addresses', () => {
    expect(parseListenAddress(':8080')).toEqual({ port: 8080 });
    expect(parseListenAddress('127.0.0.1:9440')).toEqual({ host: '127.0.0.1', port: 9440 });
    expect(parseListenAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListenAddress('0')).toBeUndefined();
    expect(() => parseListenAddress('8080', '--metrics-addr')).toThrow(ListenAddressError);
    expect(() => parseListenAddress('host:99999', '--metrics-addr')).toThrow(/invalid --metrics-addr "host:99999"/);
  });
});
