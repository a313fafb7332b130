// CEL health checks against the real control plane: a custom resource kstatus cannot judge is judged by expressions.
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, readyOf, startKustomizeEnv, type KustomizeEnv } from './support/kustomize-env.ts';

let k: KustomizeEnv;
const group = 'cel.fluxion.test';

beforeAll(async () => {
  k = await startKustomizeEnv('cel');
  // no status subresource: the manifest sets the status the expressions read
  await k.client.apply(
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    },
    { fieldManager: 'test', force: true },
  );
  await eventually('the Widget CRD established', async () => {
    const crd = await k.client.getIfExists<
      KubernetesObject & { status?: { conditions?: Array<{ type: string; status: string }> } }
    >({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: `widgets.${group}` });
    return crd?.status?.conditions?.some(
      (condition) => condition.type === 'Established' && condition.status === 'True',
    );
  });
});
afterAll(async () => {
  await k?.stop();
});

const widget = (phase: string) =>
  `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: gear\nspec:\n  size: 3\nstatus:\n  phase: ${phase}\n`;
const healthCheckExprs = [
  {
    apiVersion: `${group}/v1`,
    kind: 'Widget',
    current: "status.phase == 'Spinning'",
    failed: "status.phase == 'Jammed'",
  },
];

describe('healthCheckExprs', () => {
  it('a Widget is healthy when its current expression is true, and failed when its failed expression is', async () => {
    const good = await k.publish('widgets', { 'deploy/widget.yaml': widget('Spinning') });
    await k.applyKustomization('widgets', {
      path: './deploy',
      targetNamespace: k.ns,
      wait: true,
      timeout: '20s',
      healthCheckExprs,
    });
    const ready = await eventually('widgets Ready and Healthy', async () => {
      const kustomization = await k.getKustomization('widgets');
      return readyOf(kustomization)?.status === 'True' && kustomization?.status?.lastAppliedRevision === good
        ? kustomization
        : undefined;
    });
    expect(ready.status?.conditions?.find((condition) => condition.type === 'Healthy')?.status).toBe('True');

    const bad = await k.publish('widgets', { 'deploy/widget.yaml': widget('Jammed') });
    const failed = await eventually('widgets HealthCheckFailed', async () => {
      const kustomization = await k.getKustomization('widgets');
      const condition = readyOf(kustomization);
      return condition?.status === 'False' &&
        condition.reason === 'HealthCheckFailed' &&
        kustomization?.status?.lastAttemptedRevision === bad
        ? condition
        : undefined;
    });
    expect(failed.message).toContain(`Widget/${k.ns}/gear`);
    expect(failed.message).toContain("failed: status.phase == 'Jammed'");
  });

  it('an expression that does not compile is Stalled with the expression and the error', async () => {
    await k.publish('broken', { 'deploy/widget.yaml': widget('Spinning').replace('name: gear', 'name: sprocket') });
    await k.applyKustomization('broken', {
      path: './deploy',
      targetNamespace: k.ns,
      wait: true,
      healthCheckExprs: [{ apiVersion: `${group}/v1`, current: "status.phase = = 'x'" }],
    });
    const stalled = await eventually('broken Stalled', async () => {
      const kustomization = await k.getKustomization('broken');
      return kustomization?.status?.conditions?.find(
        (condition) => condition.type === 'Stalled' && condition.status === 'True',
      )
        ? kustomization
        : undefined;
    });
    expect(readyOf(stalled)).toMatchObject({ status: 'False', reason: 'InvalidCELExpression' });
    expect(readyOf(stalled)?.message).toMatch(
      /^spec\.healthCheckExprs\[0\]\.current: failed to parse CEL expression 'status\.phase = = 'x'': /,
    );
    expect(await k.get(`${group}/v1`, 'Widget', 'sprocket')).toBeUndefined();
  });
});
