// spec.storageNamespace: the release's storage Secrets in another namespace than its objects, as Flux keeps them.
// fluxion-helm-helper does it; with the helm CLI (HC_TEST_ENGINE=cli) the HelmRelease is refused by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '@fluxion/testenv';
import { conditionOf, startHelmEnv, type HelmEnv, type HelmListEntry } from './support/helm-env.ts';

let env: HelmEnv;
let store: string;
const cliEngine = process.env['HC_TEST_ENGINE'] === 'cli';

beforeAll(async () => {
  env = await startHelmEnv('hr-store');
  store = `${env.ns}-store`;
  await env.client.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: store } },
    { fieldManager: 'test', force: true },
  );
  await env.publishChart('small', { version: '0.1.0' });
});
afterAll(async () => {
  await env?.stop();
  await env?.client.deleteIfExists({ apiVersion: 'v1', kind: 'Namespace', name: store });
});

const helmList = async (namespace: string) =>
  JSON.parse(await env.helm('ls', '-n', namespace, '-o', 'json')) as HelmListEntry[];

describe('spec.storageNamespace', () => {
  it.skipIf(cliEngine)(
    'keeps the storage there: helm ls and history there, objects in the release namespace',
    async () => {
      await env.applyRelease('stored', {
        chartRef: { kind: 'HelmChart', name: 'small' },
        storageNamespace: store,
        values: { message: 'first' },
      });
      const ready = await pollUntil('HelmRelease stored Ready', async () => {
        const hr = await env.getRelease('stored');
        return conditionOf(hr, 'Ready')?.status === 'True' ? hr : undefined;
      });
      expect(ready.status?.storageNamespace).toBe(store);
      expect(await helmList(store)).toMatchObject([{ name: 'stored', namespace: env.ns, status: 'deployed' }]);
      expect(await helmList(env.ns)).toEqual([]);
      const configMap = await env.client.get<{ kind?: string; data: Record<string, string> }>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: env.ns,
        name: 'stored-config',
      });
      expect(configMap.data['message']).toBe('first');

      // an upgrade finds the release in the storage namespace: revision 2 there
      await env.applyRelease('stored', {
        chartRef: { kind: 'HelmChart', name: 'small' },
        storageNamespace: store,
        values: { message: 'second' },
      });
      await pollUntil('revision 2 in the storage namespace', async () => {
        const [entry] = await helmList(store);
        return entry?.revision === '2' && entry.status === 'deployed';
      });
      const history = JSON.parse(await env.helm('history', 'stored', '-n', store, '-o', 'json')) as unknown[];
      expect(history).toHaveLength(2);

      // deletion uninstalls from there
      await env.client.delete({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        namespace: env.ns,
        name: 'stored',
      });
      await pollUntil('the HelmRelease gone', async () => (await env.getRelease('stored')) === undefined);
      expect(await helmList(store)).toEqual([]);
      expect(
        await env.client.getIfExists({ apiVersion: 'v1', kind: 'ConfigMap', namespace: env.ns, name: 'stored-config' }),
      ).toBeUndefined();
    },
  );

  it.runIf(cliEngine)('is refused by name with the helm CLI, which stores a release in its own namespace', async () => {
    await env.applyRelease('refused', { chartRef: { kind: 'HelmChart', name: 'small' }, storageNamespace: store });
    const hr = await pollUntil('HelmRelease refused Stalled', async () => {
      const current = await env.getRelease('refused');
      return conditionOf(current, 'Stalled')?.status === 'True' ? current : undefined;
    });
    expect(conditionOf(hr, 'Ready')).toMatchObject({ status: 'False', reason: 'UnsupportedField' });
    expect(conditionOf(hr, 'Ready')?.message).toContain('spec.storageNamespace');
    expect(await helmList(store)).toEqual([]);
  });
});
