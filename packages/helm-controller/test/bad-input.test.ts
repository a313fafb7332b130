// Bad input and faults with the real helm: each is a clear condition naming what to fix, nothing half-done,
// no Secret value in status or events.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '@fluxion/testenv';
import { conditionOf, startHelmEnv, type HelmEnv } from './support/helm-env.ts';

let env: HelmEnv;
const secretValue = 'hunter2-do-not-leak';

beforeAll(async () => {
  env = await startHelmEnv('hr-bad');
  await env.publishChart('small', { version: '0.1.0' });
});
afterAll(() => env?.stop());

async function waitCondition(
  name: string,
  type: string,
  predicate: (condition: { status: string; reason: string; message: string }) => boolean,
  timeoutMs = 60_000,
) {
  return pollUntil(
    `HelmRelease ${name} ${type}`,
    async () => {
      const hr = await env.getRelease(name);
      const condition = conditionOf(hr, type);
      return condition && hr?.status?.observedGeneration === hr?.metadata?.generation && predicate(condition)
        ? hr
        : undefined;
    },
    timeoutMs,
  );
}

async function releaseCount(name: string): Promise<number> {
  const list = await env.client.list(
    { group: '', version: 'v1', kind: 'Secret' },
    { namespace: env.ns, labelSelector: `owner=helm,name=${name}` },
  );
  return list.items.length;
}

async function eventsOf(name: string): Promise<string> {
  const events = await env.client.list<{ kind?: string; message?: string; involvedObject?: { name?: string } }>(
    { group: '', version: 'v1', kind: 'Event' },
    { namespace: env.ns },
  );
  return events.items
    .filter((event) => event.involvedObject?.name === name)
    .map((event) => event.message ?? '')
    .join('\n');
}

describe('HelmRelease bad input', () => {
  it('composes values from a ConfigMap, a Secret key at a targetPath and an optional missing one, without leaking the Secret', async () => {
    await env.client.apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'base-values', namespace: env.ns },
        data: { 'values.yaml': 'message: from-configmap\nreplicaCount: 0\n' },
      },
      { fieldManager: 'test', force: true },
    );
    await env.client.apply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'secret-values', namespace: env.ns },
        stringData: { token: secretValue },
      },
      { fieldManager: 'test', force: true },
    );
    await env.applyRelease('composed', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      valuesFrom: [
        { kind: 'ConfigMap', name: 'base-values' },
        { kind: 'Secret', name: 'secret-values', valuesKey: 'token', targetPath: 'secretMessage' },
        { kind: 'Secret', name: 'absent', optional: true },
      ],
      values: { image: 'registry.example.invalid/other:2' },
    });
    const hr = await waitCondition('composed', 'Ready', (ready) => ready.status === 'True');
    const configMap = await env.client.get<{ kind?: string; data: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: env.ns,
      name: 'composed-config',
    });
    expect(configMap.data).toEqual({ message: 'from-configmap', secret: secretValue });
    expect(JSON.stringify(hr.status)).not.toContain(secretValue);
    expect(await eventsOf('composed')).not.toContain(secretValue);
  });

  it('names the missing valuesFrom Secret and key, and releases nothing', async () => {
    await env.applyRelease('missing-secret', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      valuesFrom: [{ kind: 'Secret', name: 'nowhere', valuesKey: 'custom.yaml' }],
    });
    await waitCondition('missing-secret', 'Ready', (ready) => ready.status === 'False');
    const ready = conditionOf(await env.getRelease('missing-secret'), 'Ready');
    expect(ready).toMatchObject({ reason: 'ValuesError' });
    expect(ready?.message).toBe(`could not find Secret '${env.ns}/nowhere' (spec.valuesFrom[0]): Secret not found`);
    await env.client.apply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'nowhere', namespace: env.ns },
        stringData: { other: 'x' },
      },
      { fieldManager: 'test', force: true },
    );
    await env.requestReconcile('missing-secret');
    await waitCondition('missing-secret', 'Ready', (condition) =>
      condition.message.includes("missing key 'custom.yaml'"),
    );
    expect(await releaseCount('missing-secret')).toBe(0);
  });

  it("refuses values that do not match the chart's values.schema.json, naming the field", async () => {
    await env.publishChart('schema', {
      version: '1.0.0',
      schema: { type: 'object', properties: { replicaCount: { type: 'integer' } } },
    });
    await env.applyRelease('bad-values', {
      chartRef: { kind: 'HelmChart', name: 'schema' },
      values: { replicaCount: 'three' },
    });
    const hr = await waitCondition(
      'bad-values',
      'Ready',
      (ready) => ready.status === 'False' && ready.reason === 'RetriesExceeded',
    );
    const message = conditionOf(hr, 'Released')?.message ?? '';
    expect(conditionOf(hr, 'Released')?.reason).toBe('InstallFailed');
    expect(message).toContain('replicaCount');
    expect(conditionOf(hr, 'Stalled')?.status).toBe('True');
    expect(hr.status?.installFailures).toBe(1);
  });

  it('reports a template that fails to render with its file and line', async () => {
    await env.publishChart('broken', {
      version: '1.0.0',
      templates: {
        'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ .Values.nothing.deeper }}\n',
      },
    });
    await env.applyRelease('render-fail', { chartRef: { kind: 'HelmChart', name: 'broken' } });
    const hr = await waitCondition(
      'render-fail',
      'Ready',
      (ready) => ready.status === 'False' && ready.reason === 'RetriesExceeded',
    );
    expect(conditionOf(hr, 'Released')?.message).toMatch(/small\/templates\/bad\.yaml:6:/);
    expect(await releaseCount('render-fail')).toBe(0);
  });

  it('names the Kubernetes version a chart needs', async () => {
    await env.publishChart('future', { version: '1.0.0', kubeVersion: '>= 9.0.0' });
    await env.applyRelease('future', { chartRef: { kind: 'HelmChart', name: 'future' } });
    const hr = await waitCondition(
      'future',
      'Ready',
      (ready) => ready.status === 'False' && ready.reason === 'RetriesExceeded',
    );
    expect(conditionOf(hr, 'Released')?.message).toMatch(
      /chart requires kubeVersion: >= 9\.0\.0 which is incompatible with Kubernetes v1\./,
    );
    expect(await releaseCount('future')).toBe(0);
  });

  it('acts as spec.serviceAccountName, whose RBAC decides', async () => {
    await env.client.apply(
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'powerless', namespace: env.ns } },
      { fieldManager: 'test', force: true },
    );
    await env.applyRelease('impersonated', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      serviceAccountName: 'powerless',
    });
    const hr = await waitCondition('impersonated', 'Ready', (ready) => ready.status === 'False');
    expect(conditionOf(hr, 'Ready')?.message).toContain(`system:serviceaccount:${env.ns}:powerless`);
    expect(await releaseCount('impersonated')).toBe(0);
    // its uninstall would be as powerless too: back to the controller's identity before the namespace is torn down
    await env.applyRelease('impersonated', { chartRef: { kind: 'HelmChart', name: 'small' } });
    await waitCondition('impersonated', 'Ready', (ready) => ready.status === 'True');
  });

  it("refuses another tool's release of the same name and leaves it untouched", async () => {
    const { packageChart } = await import('./support/charts.ts');
    const dir = await mkdtemp(join(tmpdir(), 'other-tool-'));
    await writeFile(join(dir, 'chart.tgz'), await packageChart({ version: '9.9.9' }));
    await env.helm('install', 'taken', join(dir, 'chart.tgz'), '-n', env.ns);
    await env.applyRelease('taken', { chartRef: { kind: 'HelmChart', name: 'small' } });
    const hr = await waitCondition('taken', 'Stalled', (stalled) => stalled.status === 'True');
    expect(conditionOf(hr, 'Ready')).toMatchObject({ status: 'False', reason: 'ReleaseNotOwned' });
    expect(conditionOf(hr, 'Ready')?.message).toContain(
      `Helm release ${env.ns}/taken (revision 1) exists and was made by another tool`,
    );
    const history = JSON.parse(await env.helm('history', 'taken', '-n', env.ns, '-o', 'json')) as Array<{
      chart: string;
    }>;
    expect(history.map((entry) => entry.chart)).toEqual(['small-9.9.9']);
    await env.client.delete({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      namespace: env.ns,
      name: 'taken',
    });
    await pollUntil('the HelmRelease gone', async () => (await env.getRelease('taken')) === undefined);
    // deletion never uninstalls a release that was not ours
    expect(await releaseCount('taken')).toBe(1);
  });

  it('recovers a release left pending-install by a killed controller', async () => {
    await env.applyRelease('pending', { chartRef: { kind: 'HelmChart', name: 'small' }, suspend: true });
    // what a helm process killed mid-install leaves: a storage Secret in pending-install made for this HelmRelease
    const { packageChart } = await import('./support/charts.ts');
    const dir = await mkdtemp(join(tmpdir(), 'pending-'));
    await writeFile(join(dir, 'chart.tgz'), await packageChart({ version: '0.1.0' }));
    await env.helm(
      'install',
      'pending',
      join(dir, 'chart.tgz'),
      '-n',
      env.ns,
      '--labels',
      `helm.toolkit.fluxcd.io/name=pending,helm.toolkit.fluxcd.io/namespace=${env.ns}`,
    );
    const { setStoredStatus } = await import('../src/release-storage.ts');
    await setStoredStatus(
      env.client,
      { apiVersion: 'v1', kind: 'Secret', namespace: env.ns, name: 'sh.helm.release.v1.pending.v1' },
      'pending-install',
      'Initial install underway',
    );
    expect(JSON.parse(await env.helm('status', 'pending', '-n', env.ns, '-o', 'json')).info.status).toBe(
      'pending-install',
    );
    await env.applyRelease('pending', { chartRef: { kind: 'HelmChart', name: 'small' }, suspend: false });
    await waitCondition('pending', 'Ready', (ready) => ready.status === 'True');
    const history = JSON.parse(await env.helm('history', 'pending', '-n', env.ns, '-o', 'json')) as Array<{
      revision: number;
      status: string;
    }>;
    expect(history).toHaveLength(2);
    expect(history.at(-1)?.status).toBe('deployed');
    expect(await eventsOf('pending')).toContain('was pending-install with no action running; marked failed');
  });
});
