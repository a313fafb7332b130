// A cache whose ServiceAccount may not list its kind: the API server's refusal is reported once (not at every
// retry) and logged once, /readyz names the missing permission, the watcher keeps retrying, and a granted Role makes it sync.
import { useTestNamespace, pollUntil, type TestNamespace } from '@fluxion/testenv';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExponentialBackoff } from '../src/backoff.ts';
import { createClient, type KubeClient } from '../src/client.ts';
import { HealthChecks, startHealthServer } from '../src/health-server.ts';
import { createLogger } from '../src/logger.ts';
import type { RunningHttpServer } from '../src/http-listener.ts';
import { Reflector } from '../src/reflector.ts';
import type { WatcherDiagnostic } from '../src/watcher.ts';

describe('a cache without RBAC for its kind', () => {
  let env: TestNamespace;
  let admin: KubeClient;
  let server: RunningHttpServer;
  let reflector: Reflector<V1ConfigMap>;
  const diagnostics: WatcherDiagnostic[] = [];
  const logLines: Array<{ level: string; kind?: string; msg: string; err?: { message?: string } }> = [];
  let attempts = 0;
  const readyz = async () => {
    const response = await fetch(`${server.url}/readyz`);
    return { status: response.status, body: await response.text() };
  };

  beforeAll(async () => {
    env = await useTestNamespace('cache-rbac');
    admin = createClient({ kubeConfig: env.kubeConfig });
    await admin.create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'no-rights', namespace: env.namespace },
    });
    const client = admin.impersonateServiceAccount(env.namespace, 'no-rights');
    // A short backoff, counted, so the test sees many retries quickly.
    const backoff = new ExponentialBackoff(50, 200);
    const next = backoff.next.bind(backoff);
    backoff.next = () => {
      attempts += 1;
      return next();
    };
    reflector = new Reflector<V1ConfigMap>(
      client,
      { group: '', version: 'v1', kind: 'ConfigMap' },
      {
        namespace: env.namespace,
        backoff,
        onDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
        logger: createLogger({ destination: { write: (line: string) => logLines.push(JSON.parse(line)) } }),
      },
    );
    const checks = new HealthChecks();
    checks.addReadinessCheck('configmap-cache', () => reflector.assertSynced());
    server = await startHealthServer({ host: '127.0.0.1', port: 0 }, checks);
    reflector.start();
  });

  afterAll(async () => {
    await reflector?.stop();
    await server?.close();
  });

  it('reports the refusal once, though it keeps retrying, and /readyz names the permission', async () => {
    await pollUntil('ten list attempts', async () => (attempts >= 10 ? true : undefined), 30_000);
    const errors = diagnostics.filter((diagnostic) => diagnostic.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error.message).toContain(
      `cannot list resource "configmaps" in API group "" in the namespace "${env.namespace}"`,
    );
    const warnings = logLines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ kind: 'ConfigMap', msg: 'ConfigMap watch failed' });
    expect(warnings[0]?.err?.message).toContain('cannot list resource "configmaps"');
    const probe = await readyz();
    expect(probe.status).toBe(500);
    expect(probe.body).toContain(
      `[-]configmap-cache failed: the ConfigMap cache cannot list and watch: configmaps is forbidden: User "system:serviceaccount:${env.namespace}:no-rights" cannot list resource "configmaps"`,
    );
  });

  it('syncs and turns ready once a Role grants list and watch', async () => {
    await admin.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'read-configmaps', namespace: env.namespace },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list', 'watch'] }],
    });
    await admin.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'read-configmaps', namespace: env.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-configmaps' },
      subjects: [{ kind: 'ServiceAccount', name: 'no-rights', namespace: env.namespace }],
    });
    await reflector.hasSynced();
    expect((await readyz()).status).toBe(200);
  });
});
