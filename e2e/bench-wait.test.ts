// bench-vs-flux ends a measured phase on a watch: it resolves on the event that completes the set, not a poll later,
// and fails on a timeout or when the measured controller is gone.
import { createClient, type KubeClient } from '@fluxion/runtime';
import { useTestNamespace, type TestNamespace } from '@fluxion/testenv';
import { beforeAll, describe, expect, it } from 'vitest';
import { mapLimit, untilAllWatched } from '../scripts/flux/cluster-steps.ts';

const CONFIG_MAP = { group: '', version: 'v1', kind: 'ConfigMap' };
type ConfigMap = { metadata?: { name?: string }; data?: Record<string, string> };
const neverDone = (configMap: ConfigMap) => configMap.data?.['phase'] === 'never';

describe('untilAllWatched', () => {
  let env: TestNamespace;
  let client: KubeClient;
  const write = (name: string, phase: string) =>
    client.apply(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: env.namespace }, data: { phase } },
      { fieldManager: 'bench-wait-test', force: true },
    );

  beforeAll(async () => {
    env = await useTestNamespace('bench-wait');
    client = createClient({ kubeConfig: env.kubeConfig });
    await mapLimit(['a', 'b', 'c'], 3, (name) => write(name, 'started'));
  });

  it('resolves on the event that makes the last object done', async () => {
    let lastWrittenAt = 0;
    const waiting = untilAllWatched<ConfigMap>(
      client,
      CONFIG_MAP,
      env.namespace,
      3,
      (configMap) => configMap.data?.['phase'] === 'done',
      30_000,
      'three ConfigMaps done',
    );
    let resolved = false;
    void waiting.then(() => (resolved = true));
    for (const name of ['a', 'b', 'c']) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(resolved).toBe(false);
      await write(name, 'done');
      lastWrittenAt = performance.now();
    }
    await waiting;
    // a poll every 500 ms or more would often land later than this
    expect(performance.now() - lastWrittenAt).toBeLessThan(250);
  });

  it('names what it waited for when it times out', async () => {
    await expect(
      untilAllWatched<ConfigMap>(client, CONFIG_MAP, env.namespace, 3, neverDone, 1_500, 'three ConfigMaps'),
    ).rejects.toThrow('timed out after 1.5 s waiting for three ConfigMaps');
  });

  it('fails early when the controller it watches is gone', async () => {
    await expect(
      untilAllWatched<ConfigMap>(client, CONFIG_MAP, env.namespace, 3, neverDone, 30_000, 'three ConfigMaps', () => {
        throw new Error('the controller exited with code 1');
      }),
    ).rejects.toThrow('the controller exited with code 1');
  });
});
