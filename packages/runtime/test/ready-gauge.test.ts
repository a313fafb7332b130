// The Ready gauge on /metrics, filled by the StatusPatcher inside a reconcile with no metrics wiring of its own.
import type { KubernetesObject } from '@kubernetes/client-node';
import { useTestNamespace, type TestNamespace } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  createLogger,
  Manager,
  markFailed,
  markReady,
  StatusPatcher,
  type KubeClient,
  type ObjectWithConditions,
} from '../src/index.ts';
import { eventually } from '@fluxion/testenv';

interface Widget extends KubernetesObject {
  spec?: { broken?: boolean };
  status?: ObjectWithConditions['status'];
}

describe('Ready gauge', () => {
  let env: TestNamespace;
  let client: KubeClient;
  let group: string;
  let manager: Manager;

  beforeAll(async () => {
    env = await useTestNamespace('ready-gauge');
    group = `${env.namespace}.fluxion.test`;
    client = createClient({ kubeConfig: env.kubeConfig, qps: 200, burst: 400 });
    await client.create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: { type: 'object', properties: { broken: { type: 'boolean' } } },
                  status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
            },
          },
        ],
      },
    } as KubernetesObject);
  });
  afterAll(async () => {
    await manager?.stop();
    await client.deleteIfExists({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: `widgets.${group}`,
    });
  });

  it("shows each object's Ready status on /metrics as it changes, and drops the object once it is gone", async () => {
    manager = new Manager({
      name: 'widget-manager',
      logger: createLogger({ level: 'error' }),
      metricsAddress: '127.0.0.1:0',
      healthAddress: '0',
    });
    // a patcher made without metrics: inside a reconcile it finds the manager's
    const patcher = new StatusPatcher(client, 'widget-controller');
    const controller = manager.addController({
      name: 'widget',
      kind: 'Widget',
      reconcile: async (key) => {
        const ref = { apiVersion: `${group}/v1`, kind: 'Widget', namespace: key.namespace, name: key.name };
        const widget = await client.getIfExists<Widget>(ref);
        if (!widget) {
          patcher.forget(ref);
          return;
        }
        const next: ObjectWithConditions = { status: { conditions: [...(widget.status?.conditions ?? [])] } };
        if (widget.spec?.broken) markFailed(next, 'WidgetBroken', 'spec.broken is true');
        else markReady(next, 'Succeeded', 'the widget works');
        await patcher.patch(widget, next.status ?? {});
        if (widget.metadata?.deletionTimestamp) {
          await client.patch(ref, [{ op: 'remove', path: '/metadata/finalizers' }], 'json');
        }
      },
    });
    await manager.start();
    const scrape = async (): Promise<string> => (await fetch(`${manager.metricsUrl}/metrics`)).text();
    const series = (name: string, status: string): string =>
      `fluxion_reconcile_condition{kind="Widget",namespace="${env.namespace}",name="${name}",type="Ready",status="${status}"}`;

    const widget = await eventually(
      () =>
        client.create<Widget>({
          apiVersion: `${group}/v1`,
          kind: 'Widget',
          metadata: { name: 'w1', namespace: env.namespace },
          spec: {},
        }),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    controller.enqueue({ namespace: env.namespace, name: 'w1' });
    await eventually(async () => {
      const text = await scrape();
      expect(text).toContain(`${series('w1', 'True')} 1`);
      expect(text).toContain(`${series('w1', 'False')} 0`);
    });

    await client.patch(
      { apiVersion: `${group}/v1`, kind: 'Widget', namespace: env.namespace, name: 'w1' },
      { spec: { broken: true } },
      'merge',
    );
    controller.enqueue({ namespace: env.namespace, name: 'w1' });
    await eventually(async () => {
      const text = await scrape();
      expect(text).toContain(`${series('w1', 'False')} 1`);
      expect(text).toContain(`${series('w1', 'True')} 0`);
    });

    await client.delete({
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      namespace: env.namespace,
      name: widget.metadata?.name ?? '',
    });
    controller.enqueue({ namespace: env.namespace, name: 'w1' });
    await eventually(async () => expect(await scrape()).not.toContain('name="w1",type="Ready"'));

    // with a finalizer, the last status write happens while it is being deleted: that write forgets it
    await client.create<Widget>({
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name: 'w2', namespace: env.namespace, finalizers: [`${group}/finalizer`] },
      spec: {},
    });
    controller.enqueue({ namespace: env.namespace, name: 'w2' });
    await eventually(async () => expect(await scrape()).toContain(`${series('w2', 'True')} 1`));
    await client.delete({ apiVersion: `${group}/v1`, kind: 'Widget', namespace: env.namespace, name: 'w2' });
    controller.enqueue({ namespace: env.namespace, name: 'w2' });
    await eventually(async () =>
      expect(
        await client.getIfExists({ apiVersion: `${group}/v1`, kind: 'Widget', namespace: env.namespace, name: 'w2' }),
      ).toBeUndefined(),
    );
    expect(await scrape()).not.toContain('name="w2",type="Ready"');
  });
});
