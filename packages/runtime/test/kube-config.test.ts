// The runtime's own kubeconfig loader against a real API server: token, tokenFile, exec plugin and in-cluster config.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { useTestNamespace } from '@fluxion/testenv';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiError } from '../src/api-error.ts';
import { apiServerReachableCheck } from '../src/api-server-check.ts';
import { createClient } from '../src/client.ts';
import { loadKubeConfig } from '../src/kube-config.ts';
import { LeaderElector } from '../src/leader-election.ts';
import { silentLogger } from '../src/logger.ts';
import type { RestConfig } from '../src/rest-config.ts';

interface AdminKubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { token: string } }[];
}

let namespace: string;
let server: string;
let caData: string;
let adminToken: string;
let dir: string;

beforeAll(async () => {
  const env = await useTestNamespace();
  namespace = env.namespace;
  const admin = parse(readFileSync(env.kubeconfigPath, 'utf8')) as AdminKubeconfig;
  server = admin.clusters[0]!.cluster.server;
  caData = admin.clusters[0]!.cluster['certificate-authority-data'];
  adminToken = admin.users[0]!.user.token;
  dir = mkdtempSync(join(tmpdir(), 'kube-config-cluster-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeKubeconfig(name: string, user: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    stringify({
      clusters: [{ name: 'testenv', cluster: { server, 'certificate-authority-data': caData } }],
      users: [{ name: 'someone', user }],
      contexts: [{ name: 'testenv', context: { cluster: 'testenv', user: 'someone', namespace } }],
      'current-context': 'testenv',
    }),
  );
  return path;
}

/** Writes a ConfigMap through a client built from `config` and reads it back: the credentials really work. */
async function roundTrip(config: RestConfig, name: string): Promise<V1ConfigMap> {
  const client = createClient({ kubeConfig: config });
  await client.create<V1ConfigMap>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    data: { via: name },
  });
  return client.get<V1ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });
}

describe('loadKubeConfig against the API server', () => {
  it('works with a token and the CA from the file, and knows the context namespace', async () => {
    const config = loadKubeConfig({ kubeconfigPath: writeKubeconfig('token', { token: adminToken }) });
    expect(config.namespace).toBe(namespace);
    expect((await roundTrip(config, 'via-token')).data).toEqual({ via: 'via-token' });
  });

  it('works with a tokenFile', async () => {
    writeFileSync(join(dir, 'token-file'), `${adminToken}\n`);
    const config = loadKubeConfig({
      kubeconfigPath: writeKubeconfig('token-file-config', { tokenFile: 'token-file' }),
    });
    expect((await roundTrip(config, 'via-token-file')).data).toEqual({ via: 'via-token-file' });
  });

  it('works with an exec plugin, and the API server refuses the token a plugin made up', async () => {
    const plugin = join(dir, 'plugin.mjs');
    writeFileSync(
      plugin,
      `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: process.env.PLUGIN_TOKEN } }));`,
    );
    const execUser = (token: string): Record<string, unknown> => ({
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: process.execPath,
        args: [plugin],
        env: [{ name: 'PLUGIN_TOKEN', value: token }],
        interactiveMode: 'Never',
      },
    });
    const config = loadKubeConfig({ kubeconfigPath: writeKubeconfig('exec', execUser(adminToken)) });
    expect((await roundTrip(config, 'via-exec')).data).toEqual({ via: 'via-exec' });

    const impostor = loadKubeConfig({ kubeconfigPath: writeKubeconfig('exec-wrong', execUser('not-a-real-token')) });
    const failure = await roundTrip(impostor, 'via-impostor').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KubeApiError);
    expect((failure as KubeApiError).statusCode).toBe(401);
  });

  it('works in-cluster from the ServiceAccount files and KUBERNETES_SERVICE_HOST/PORT', async () => {
    const serviceAccountDir = join(dir, 'serviceaccount');
    mkdirSync(serviceAccountDir);
    writeFileSync(join(serviceAccountDir, 'token'), adminToken);
    writeFileSync(join(serviceAccountDir, 'ca.crt'), Buffer.from(caData, 'base64'));
    writeFileSync(join(serviceAccountDir, 'namespace'), namespace);
    const url = new URL(server);
    const config = loadKubeConfig({
      env: { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port },
      serviceAccountDir,
    });
    expect(config.namespace).toBe(namespace);
    expect((await roundTrip(config, 'via-in-cluster')).data).toEqual({ via: 'via-in-cluster' });
  });
});

/** A Lease as JSON (client-node's model types its times as Date). */
type LeaseJson = KubernetesObject & { spec?: { holderIdentity?: string; renewTime?: string } };

describe("the runtime's own config in readiness and leader election", () => {
  it('passes the API server check, and fails it with the server named when the token is refused', async () => {
    await expect(
      Promise.resolve().then(
        apiServerReachableCheck(loadKubeConfig({ kubeconfigPath: writeKubeconfig('ready', { token: adminToken }) })),
      ),
    ).resolves.toBeUndefined();
    // /version is open to anyone, so only a refused token (not a missing one) makes the check fail
    const refused = apiServerReachableCheck(
      loadKubeConfig({ kubeconfigPath: writeKubeconfig('refused', { token: 'not-a-real-token' }) }),
    );
    await expect(Promise.resolve().then(refused)).rejects.toThrow(`${server}/version: GET /version: 401`);
  });

  it('takes a Lease and gives it up on release', async () => {
    const kubeConfig = loadKubeConfig({ kubeconfigPath: writeKubeconfig('leader', { token: adminToken }) });
    const elector = new LeaderElector({
      kubeConfig,
      leaseNamespace: namespace,
      leaseName: 'own-config',
      identity: 'own-config-1',
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      logger: silentLogger(),
    });
    expect(await elector.acquire()).toBe(true);
    const client = createClient({ kubeConfig });
    const lease = await client.get<LeaseJson>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace,
      name: 'own-config',
    });
    expect(lease.spec?.holderIdentity).toBe('own-config-1');
    expect(lease.spec?.renewTime).toMatch(/\.\d{6}Z$/);
    await elector.release();
    const released = await client.get<LeaseJson>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace,
      name: 'own-config',
    });
    expect(released.spec?.holderIdentity ?? '').toBe('');
  });
});
