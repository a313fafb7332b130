// The watch cache against a real API server: quiet watches, 1,000 updates, an API server restart, and a forced 410.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { startControlPlane, useTestNamespace } from '@fluxion/testenv';
import type { ControlPlane, TestNamespace } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExponentialBackoff } from '../src/backoff.ts';
import { createClient } from '../src/client.ts';
import type { KubeClient } from '../src/client.ts';
import { Reflector } from '../src/reflector.ts';
import type { StoreEvent } from '../src/reflector.ts';
import type { WatcherDiagnostic } from '../src/watcher.ts';
import { eventually } from '@fluxion/testenv';
import { proxyApiServer } from './support/tcp-proxy.ts';
import type { TcpProxy } from './support/tcp-proxy.ts';

const configMaps = { group: '', version: 'v1', kind: 'ConfigMap' };

function configMap(
  namespace: string,
  name: string,
  data: Record<string, string>,
  labels: Record<string, string> = {},
): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data };
}

/** Retries a write through API server restarts: a test writer that must not lose its own update. */
async function persistently<T>(write: () => Promise<T>): Promise<T> {
  return eventually(write, { timeoutMs: 60_000, intervalMs: 200 });
}

describe('watch cache on the shared control plane', () => {
  let env: TestNamespace;
  let client: KubeClient;
  const reflectors: Reflector[] = [];

  beforeAll(async () => {
    env = await useTestNamespace('watch');
    client = createClient({ kubeConfig: env.kubeConfig, qps: 500, burst: 1000 });
  });
  afterAll(async () => {
    await Promise.all(reflectors.map((r) => r.stop()));
  });

  function startReflector(options: ConstructorParameters<typeof Reflector>[2] = {}): Reflector<V1ConfigMap> {
    const reflector = new Reflector<V1ConfigMap>(client, configMaps, { namespace: env.namespace, ...options });
    reflectors.push(reflector as Reflector);
    reflector.start();
    return reflector;
  }

  it('keeps a quiet watch open for more than 35 s without reconnecting, and still sees the next change', async () => {
    const diagnostics: WatcherDiagnostic[] = [];
    const reflector = startReflector({ labelSelector: 'quiet=yes', onDiagnostic: (d) => diagnostics.push(d) });
    await reflector.hasSynced();
    // nothing matches the selector: the connection carries no event for 40 s (bookmarks are allowed)
    await new Promise((resolve) => setTimeout(resolve, 40_000));
    await client.create(configMap(env.namespace, 'quiet', { after: 'silence' }, { quiet: 'yes' }));
    await eventually(() => expect(reflector.get(env.namespace, 'quiet')?.data?.['after']).toBe('silence'));
    expect(diagnostics.filter((d) => d.type === 'watch-opened')).toHaveLength(1);
    expect(
      diagnostics.filter(
        (d) => d.type === 'error' || d.type === 'silent' || d.type === 'watch-ended' || d.type === 'gone',
      ),
    ).toEqual([]);
  }, 90_000);

  it('restarts a watch that stays silent longer than the silent timeout, from where it was', async () => {
    const diagnostics: WatcherDiagnostic[] = [];
    const reflector = startReflector({
      labelSelector: 'silent=yes',
      silentTimeoutMs: 1_500,
      onDiagnostic: (d) => diagnostics.push(d),
    });
    await reflector.hasSynced();
    await eventually(() => expect(diagnostics.some((d) => d.type === 'silent')).toBe(true), { timeoutMs: 20_000 });
    await client.create(configMap(env.namespace, 'after-silence', { seen: 'yes' }, { silent: 'yes' }));
    await eventually(() => expect(reflector.get(env.namespace, 'after-silence')?.data?.['seen']).toBe('yes'));
    // a silent watch resumes from its resourceVersion: no relist needed
    expect(diagnostics.filter((d) => d.type === 'listed')).toHaveLength(1);
  });

  it('ends with the final state of every object after 1,000 updates', async () => {
    const reflector = startReflector({ labelSelector: 'burst=yes' });
    const modified: StoreEvent<V1ConfigMap>[] = [];
    reflector.onEvent((event) => {
      if (event.type === 'MODIFIED') modified.push(event);
    });
    await reflector.hasSynced();
    const names = Array.from({ length: 10 }, (_, i) => `burst-${i}`);
    await Promise.all(
      names.map((name) => client.create(configMap(env.namespace, name, { counter: '0' }, { burst: 'yes' }))),
    );
    // 10 writers x 100 sequential updates each
    await Promise.all(
      names.map(async (name) => {
        for (let counter = 1; counter <= 100; counter++) {
          await client.patch(
            { apiVersion: 'v1', kind: 'ConfigMap', name, namespace: env.namespace },
            { data: { counter: String(counter) } },
            'merge',
          );
        }
      }),
    );
    await eventually(() => {
      for (const name of names) expect(reflector.get(env.namespace, name)?.data?.['counter']).toBe('100');
    });
    // MODIFIED carries the object before the change
    const last = modified.findLast((event) => event.object.metadata?.name === 'burst-0');
    expect(last?.oldObject?.data?.['counter']).toBe('99');
  });

  it('scopes by label selector, and finds objects through a secondary index that follows changes', async () => {
    const reflector = startReflector({ labelSelector: 'indexed=yes' });
    reflector.index('by-team', (cm) => [cm.metadata?.labels?.['team'] ?? 'none']);
    await reflector.hasSynced();
    await client.create(configMap(env.namespace, 'ix-a', {}, { indexed: 'yes', team: 'red' }));
    await client.create(configMap(env.namespace, 'ix-b', {}, { indexed: 'yes', team: 'blue' }));
    await client.create(configMap(env.namespace, 'ix-outside', {}, { indexed: 'no', team: 'red' }));
    await eventually(() =>
      expect(reflector.byIndex('by-team', 'red').map((cm) => cm.metadata?.name)).toEqual(['ix-a']),
    );
    await client.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'ix-b', namespace: env.namespace },
      { metadata: { labels: { team: 'red' } } },
      'merge',
    );
    await eventually(() =>
      expect(
        reflector
          .byIndex('by-team', 'red')
          .map((cm) => cm.metadata?.name ?? '')
          .sort((a, b) => a.localeCompare(b)),
      ).toEqual(['ix-a', 'ix-b']),
    );
    expect(reflector.byIndex('by-team', 'blue')).toEqual([]);
    expect(reflector.get(env.namespace, 'ix-outside')).toBeUndefined();
  });

  it('keeps calling handlers after one throws', async () => {
    const errors: unknown[] = [];
    const reflector = startReflector({ labelSelector: 'throws=yes', onHandlerError: (error) => errors.push(error) });
    const seen: string[] = [];
    reflector.onEvent(() => {
      throw new Error('handler bug');
    });
    reflector.onEvent((event) => seen.push(`${event.type} ${event.object.metadata?.name}`));
    await reflector.hasSynced();
    await client.create(configMap(env.namespace, 'thrower-1', {}, { throws: 'yes' }));
    await client.create(configMap(env.namespace, 'thrower-2', {}, { throws: 'yes' }));
    await eventually(() => expect(seen).toEqual(['ADDED thrower-1', 'ADDED thrower-2']));
    expect(errors).toHaveLength(2);
  });

  it('stops when asked right after its first list, while the watch is still being opened', async () => {
    // the abort used to land between "open the watch" and "listen for abort", and stop() waited forever
    for (let attempt = 0; attempt < 5; attempt++) {
      const reflector = new Reflector<V1ConfigMap>(client, configMaps, {
        namespace: env.namespace,
        labelSelector: 'stop=early',
      });
      reflector.start();
      await reflector.hasSynced();
      await reflector.stop();
      expect(reflector.isSynced).toBe(true);
    }
  }, 20_000);
});

describe('watch cache on a private control plane', () => {
  let cp: ControlPlane;
  let direct: KubeClient;
  let proxy: TcpProxy;
  let watching: KubeClient;
  const namespace = 'watched';

  beforeAll(async () => {
    cp = await startControlPlane();
    direct = createClient({ kubeConfig: cp.kubeConfig(), qps: 500, burst: 1000 });
    await direct.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    // the reflector reaches the API server through a proxy the test can cut, like a network partition
    const proxied = await proxyApiServer(cp.kubeConfig());
    proxy = proxied.proxy;
    watching = createClient({ kubeConfig: proxied.kubeConfig, qps: 500, burst: 1000 });
  });
  afterAll(async () => {
    await proxy?.close();
    await cp?.stop();
  });

  async function expectStoreEqualsServer(reflector: Reflector<V1ConfigMap>, selector: string): Promise<void> {
    const truth = await direct.list<V1ConfigMap>(configMaps, { namespace, labelSelector: selector });
    await eventually(
      () => {
        const cached = reflector
          .list()
          .map((cm) => `${cm.metadata?.name}=${cm.data?.['counter']}@${cm.metadata?.resourceVersion}`)
          .sort();
        const live = truth.items
          .map((cm) => `${cm.metadata?.name}=${cm.data?.['counter']}@${cm.metadata?.resourceVersion}`)
          .sort();
        expect(cached).toEqual(live);
      },
      { timeoutMs: 60_000 },
    );
  }

  it('loses no update when the API server restarts mid-watch', async () => {
    const diagnostics: WatcherDiagnostic[] = [];
    const reflector = new Reflector<V1ConfigMap>(watching, configMaps, {
      namespace,
      labelSelector: 'set=restart',
      backoff: new ExponentialBackoff(100, 1_000),
      onDiagnostic: (d) => diagnostics.push(d),
    });
    reflector.start();
    await reflector.hasSynced();
    const names = Array.from({ length: 5 }, (_, i) => `restart-${i}`);
    for (const name of names) await direct.create(configMap(namespace, name, { counter: '0' }, { set: 'restart' }));

    let restarted = false;
    const writers = names.map(async (name) => {
      for (let counter = 1; counter <= 60; counter++) {
        await persistently(() =>
          direct.patch(
            { apiVersion: 'v1', kind: 'ConfigMap', name, namespace },
            { data: { counter: String(counter) } },
            'merge',
          ),
        );
      }
    });
    const restart = (async () => {
      await eventually(() => expect(reflector.get(namespace, 'restart-0')?.data?.['counter']).toBe('20'), {
        intervalMs: 5,
      }).catch(() => undefined);
      await cp.restartApiServer();
      restarted = true;
    })();
    await Promise.all([...writers, restart]);
    // deletions and creations after the restart arrive too
    await persistently(() => direct.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'restart-4', namespace }));
    await persistently(() =>
      direct.create(configMap(namespace, 'restart-new', { counter: 'new' }, { set: 'restart' })),
    );

    expect(restarted).toBe(true);
    await expectStoreEqualsServer(reflector, 'set=restart');
    for (const name of names.slice(0, 4)) expect(reflector.get(namespace, name)?.data?.['counter']).toBe('60');
    expect(reflector.get(namespace, 'restart-4')).toBeUndefined();
    // the watch really broke and was re-established
    expect(diagnostics.filter((d) => d.type === 'watch-opened').length).toBeGreaterThan(1);
    await reflector.stop();
  });

  it('relists after 410 Gone and turns what it missed into events', async () => {
    const diagnostics: WatcherDiagnostic[] = [];
    const reflector = new Reflector<V1ConfigMap>(watching, configMaps, {
      namespace,
      labelSelector: 'set=gone',
      backoff: new ExponentialBackoff(100, 1_000),
      onDiagnostic: (d) => diagnostics.push(d),
    });
    const events: StoreEvent<V1ConfigMap>[] = [];
    reflector.onEvent((event) => events.push(event));
    reflector.start();
    await reflector.hasSynced();
    for (const name of ['gone-kept', 'gone-deleted'])
      await direct.create(configMap(namespace, name, { counter: '0' }, { set: 'gone' }));
    await eventually(() => expect(reflector.size).toBe(2));

    // The reflector is cut off at resourceVersion R. While it is away: 50 updates, a delete and a create.
    proxy.cut();
    for (let counter = 1; counter <= 50; counter++) {
      await direct.patch(
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'gone-kept', namespace },
        { data: { counter: String(counter) } },
        'merge',
      );
    }
    await direct.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'gone-deleted', namespace });
    await direct.create(configMap(namespace, 'gone-created', { counter: 'fresh' }, { set: 'gone' }));
    // A restarted API server fills its watch cache from the current etcd revision; a watch from R, older
    // than that, is answered 410 Gone (Expired: too old resource version). Reliable, unlike etcd compaction timing.
    await cp.restartApiServer();
    proxy.resume();

    await expectStoreEqualsServer(reflector, 'set=gone');
    expect(diagnostics.some((d) => d.type === 'gone')).toBe(true);
    expect(diagnostics.filter((d) => d.type === 'listed').length).toBeGreaterThanOrEqual(2);
    expect(reflector.get(namespace, 'gone-kept')?.data?.['counter']).toBe('50');
    const afterRelist = events.slice(
      events.findIndex((e) => e.object.metadata?.name === 'gone-deleted' && e.type === 'DELETED'),
    );
    expect(afterRelist.map((e) => `${e.type} ${e.object.metadata?.name}`).sort()).toEqual([
      'ADDED gone-created',
      'DELETED gone-deleted',
      'MODIFIED gone-kept',
    ]);
    const modified = events.find((e) => e.type === 'MODIFIED' && e.object.metadata?.name === 'gone-kept');
    expect(modified?.oldObject?.data?.['counter']).toBe('0');
    await reflector.stop();
  });
});
