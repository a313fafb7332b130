// HelmRelease end to end against the real control plane and the real helm binary: install, no-op, upgrade,
// remediation by rollback, manual rollback as drift, deletion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '@fluxion/testenv';
import { conditionOf, startHelmEnv, type HelmEnv, type HelmListEntry } from './support/helm-env.ts';

let env: HelmEnv;

beforeAll(async () => {
  env = await startHelmEnv('hr');
});
afterAll(() => env?.stop());

async function helmList(): Promise<HelmListEntry[]> {
  return JSON.parse(await env.helm('ls', '-n', env.ns, '-o', 'json')) as HelmListEntry[];
}

async function helmHistory(
  release: string,
): Promise<Array<{ revision: number; status: string; chart: string; description: string }>> {
  return JSON.parse(await env.helm('history', release, '-n', env.ns, '-o', 'json'));
}

async function waitReady(
  name: string,
  predicate: (message: string, reason: string) => boolean = () => true,
  timeoutMs = 60_000,
) {
  return pollUntil(
    `HelmRelease ${name} Ready`,
    async () => {
      const hr = await env.getRelease(name);
      const ready = conditionOf(hr, 'Ready');
      return ready?.status === 'True' &&
        hr?.status?.observedGeneration === hr?.metadata?.generation &&
        predicate(ready.message, ready.reason)
        ? hr
        : undefined;
    },
    timeoutMs,
  );
}

describe('HelmRelease lifecycle', () => {
  it('installs a chart from a HelmChart: helm ls shows it deployed, status and events say so', async () => {
    await env.publishChart('small', { version: '0.1.0' });
    await env.applyRelease('app', { chartRef: { kind: 'HelmChart', name: 'small' }, values: { message: 'first' } });
    const hr = await waitReady('app');
    const [entry] = await helmList();
    expect(entry).toMatchObject({
      name: 'app',
      namespace: env.ns,
      revision: '1',
      status: 'deployed',
      chart: 'small-0.1.0',
    });
    expect(JSON.parse(await env.helm('get', 'values', 'app', '-n', env.ns, '-o', 'json'))).toEqual({
      message: 'first',
    });
    expect(conditionOf(hr, 'Ready')).toMatchObject({
      reason: 'InstallSucceeded',
      message: `Helm install succeeded for release ${env.ns}/app.v1 with chart small@0.1.0`,
    });
    expect(conditionOf(hr, 'Released')).toMatchObject({ status: 'True', reason: 'InstallSucceeded' });
    expect(hr.status?.history?.[0]).toMatchObject({
      name: 'app',
      namespace: env.ns,
      version: 1,
      status: 'deployed',
      chartName: 'small',
      chartVersion: '0.1.0',
      appVersion: '1.0.1',
    });
    expect(hr.status?.lastAttemptedReleaseAction).toBe('install');
    expect(hr.status?.lastAttemptedRevision).toBe('0.1.0');
    expect(hr.status?.inventory?.entries.map((entry) => entry.id).sort()).toEqual([
      `${env.ns}_app-config__ConfigMap`,
      `${env.ns}_app__Service`,
      `${env.ns}_app_apps_Deployment`,
    ]);
    const configMap = await env.client.get<{
      metadata: { labels?: Record<string, string>; managedFields?: Array<{ manager?: string }> };
      data: Record<string, string>;
    }>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: env.ns, name: 'app-config' });
    expect(configMap.data['message']).toBe('first');
    // the helm CLI's field manager, whichever engine applied: either can upgrade what the other made
    expect(configMap.metadata.managedFields?.map((entry) => entry.manager)).toEqual(['helm']);
    expect(configMap.metadata.labels).toMatchObject({
      'helm.toolkit.fluxcd.io/name': 'app',
      'helm.toolkit.fluxcd.io/namespace': env.ns,
    });
    const events = await env.client.list<{
      reason?: string;
      metadata?: { annotations?: Record<string, string> };
      involvedObject?: { name?: string };
    }>({ group: '', version: 'v1', kind: 'Event' }, { namespace: env.ns });
    const installed = events.items.find(
      (event) => event.reason === 'InstallSucceeded' && event.involvedObject?.name === 'app',
    );
    expect(installed?.metadata?.annotations?.['helm.toolkit.fluxcd.io/revision']).toBe('0.1.0');
  });

  it('makes no new Helm revision for an unchanged HelmRelease', async () => {
    const before = await env.getRelease('app');
    const requested = await env.requestReconcile('app');
    const after = await pollUntil('the request handled', async () => {
      const hr = await env.getRelease('app');
      return hr?.status?.lastHandledReconcileAt === requested ? hr : undefined;
    });
    expect(await helmHistory('app')).toHaveLength(1);
    expect(after.status?.history).toEqual(before?.status?.history);
  });

  it('upgrades when values change (revision 2) and helm get values shows them', async () => {
    await env.applyRelease('app', { chartRef: { kind: 'HelmChart', name: 'small' }, values: { message: 'second' } });
    await waitReady('app', (_message, reason) => reason === 'UpgradeSucceeded');
    const history = await helmHistory('app');
    expect(history.map((entry) => entry.status)).toEqual(['superseded', 'deployed']);
    expect(JSON.parse(await env.helm('get', 'values', 'app', '-n', env.ns, '-o', 'json'))).toEqual({
      message: 'second',
    });
  });

  it('rolls back a broken chart version, naming the object that failed', async () => {
    await env.applyRelease('app', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      values: { message: 'second' },
      upgrade: { remediation: { retries: 1 } },
    });
    await waitReady('app');
    await env.publishChart('small', {
      version: '0.2.0',
      templates: { 'broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_A_Valid_Name\ndata: {}\n' },
    });
    const hr = await pollUntil(
      'the upgrade remediated and stalled',
      async () => {
        const current = await env.getRelease('app');
        return conditionOf(current, 'Stalled')?.status === 'True' ? current : undefined;
      },
      90_000,
    );
    expect(conditionOf(hr, 'Ready')).toMatchObject({ status: 'False', reason: 'RetriesExceeded' });
    expect(conditionOf(hr, 'Ready')?.message).toContain('Not_A_Valid_Name');
    expect(conditionOf(hr, 'Remediated')).toMatchObject({ status: 'True', reason: 'RollbackSucceeded' });
    expect(hr.status?.upgradeFailures).toBe(2);
    const history = await helmHistory('app');
    expect(history.at(-1)).toMatchObject({ status: 'deployed', chart: 'small-0.1.0' });
    expect(history.filter((entry) => entry.status === 'failed').every((entry) => entry.chart === 'small-0.2.0')).toBe(
      true,
    );
    // the fixed chart is released at once
    await env.publishChart('small', { version: '0.3.0' });
    await waitReady('app', (message) => message.includes('small@0.3.0'));
  });

  it('treats a helm rollback by hand as drift and upgrades back', async () => {
    const before = await helmHistory('app');
    const previous = before.filter((entry) => entry.status === 'superseded').at(-1);
    await env.helm('rollback', 'app', String(previous?.revision), '-n', env.ns);
    await env.requestReconcile('app');
    await pollUntil('upgraded back to 0.3.0', async () => {
      const history = await helmHistory('app');
      const latest = history.at(-1);
      return (
        latest &&
        latest.revision > (before.at(-1)?.revision ?? 0) + 1 &&
        latest.chart === 'small-0.3.0' &&
        latest.status === 'deployed'
      );
    });
  });

  it('uninstalls the release when the HelmRelease is deleted', async () => {
    await env.client.delete({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      namespace: env.ns,
      name: 'app',
    });
    await pollUntil('the HelmRelease gone', async () => (await env.getRelease('app')) === undefined);
    expect(await helmList()).toEqual([]);
    expect(
      await env.client.getIfExists({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: env.ns, name: 'app' }),
    ).toBeUndefined();
  });
});
