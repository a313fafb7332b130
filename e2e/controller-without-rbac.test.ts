// source-controller started as a ServiceAccount without RBAC for its kinds: it says which permission is missing,
// once, in its log and on /readyz, keeps running (no crash loop), and gets ready once the permission is granted.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCrds } from '@fluxion/api';
import { pollUntil, useTestNamespace, type TestNamespace } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeServiceAccountKubeconfig } from './chart/impersonating-kubeconfig.ts';
import { startControllerProcess, type ControllerProcess } from './support/controller-process.ts';
import { apply, connect, type Cluster } from './support/kube.ts';

const missing = 'cannot list resource "gitrepositories" in API group "source.toolkit.fluxcd.io"';

describe('a controller without RBAC for a kind it needs', () => {
  let env: TestNamespace;
  let cluster: Cluster;
  let scratch: string;
  let controller: ControllerProcess | undefined;
  const grant = () => [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'everything', namespace: env.namespace },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'source-controller-everything', namespace: env.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'everything' },
      subjects: [{ kind: 'ServiceAccount', name: 'source-controller', namespace: env.namespace }],
    },
  ];
  const readyz = async () => {
    const response = await fetch(`${controller?.healthUrl}/readyz`);
    return { status: response.status, body: await response.text() };
  };

  beforeAll(async () => {
    env = await useTestNamespace('no-rbac');
    cluster = connect(env.kubeconfigPath);
    await installCrds(env.kubeConfig);
    scratch = mkdtempSync(join(tmpdir(), 'fluxion-no-rbac-'));
    await apply(cluster, [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'source-controller', namespace: env.namespace } },
    ]);
    controller = await startControllerProcess('source-controller', {
      kubeconfigPath: writeServiceAccountKubeconfig(
        env.kubeconfigPath,
        env.namespace,
        'source-controller',
        join(scratch, 'kubeconfig'),
      ),
      logFile: join(scratch, 'source-controller.log'),
      env: { RUNTIME_NAMESPACE: env.namespace },
      args: [
        `--storage-path=${join(scratch, 'storage')}`,
        '--storage-addr=127.0.0.1:0',
        '--watch-all-namespaces=false',
      ],
      waitFor: 'healthz',
    });
  });

  afterAll(async () => {
    await controller?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('names the missing permission on /readyz and once in its log, and keeps running', async () => {
    const probe = await pollUntil(
      '/readyz naming the permission',
      async () => {
        const answer = await readyz();
        return answer.body.includes(missing) ? answer : undefined;
      },
      30_000,
    );
    expect(probe.status).toBe(500);
    expect(probe.body).toContain(
      `[-]gitrepository-cache failed: the GitRepository cache cannot list and watch: gitrepositories.source.toolkit.fluxcd.io is forbidden: User "system:serviceaccount:${env.namespace}:source-controller" ${missing} in the namespace "${env.namespace}"`,
    );
    // Long enough for several retries of the watch (its backoff starts at 0.8 s).
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const log = readFileSync(controller?.logFile ?? '', 'utf8');
    // The log is JSON: the API server's quotes are escaped in it.
    expect(log.split('\n').filter((line) => line.includes(JSON.stringify(missing).slice(1, -1)))).toHaveLength(1);
    expect(controller?.exitCode).toBeUndefined();
    expect((await fetch(`${controller?.healthUrl}/healthz`)).status).toBe(200);
  });

  it('gets ready once the permission is granted, without a restart', async () => {
    await apply(cluster, grant());
    let last = '';
    await pollUntil(
      '/readyz ok',
      async () => {
        const answer = await readyz();
        last = answer.body;
        return answer.status === 200 ? true : undefined;
      },
      60_000,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; /readyz said:\n${last}`);
    });
    expect(controller?.exitCode).toBeUndefined();
  });
});
