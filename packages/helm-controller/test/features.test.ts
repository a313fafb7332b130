// HelmRelease features with the real helm: owned HelmChart, post-renderers and commonMetadata, drift detection,
// test hooks, dependsOn across kinds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelmRelease } from '@fluxion/api';
import { pollUntil } from '@fluxion/testenv';
import { conditionOf, startHelmEnv, type HelmEnv } from './support/helm-env.ts';

let env: HelmEnv;

beforeAll(async () => {
  env = await startHelmEnv('hr-feat');
  await env.publishChart('small', { version: '0.1.0' });
});
afterAll(() => env?.stop());

async function waitReady(
  name: string,
  predicate: (hr: HelmRelease) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<HelmRelease> {
  return pollUntil(
    `HelmRelease ${name} Ready`,
    async () => {
      const hr = await env.getRelease(name);
      return conditionOf(hr, 'Ready')?.status === 'True' &&
        hr &&
        hr.status?.observedGeneration === hr.metadata?.generation &&
        predicate(hr)
        ? hr
        : undefined;
    },
    timeoutMs,
  );
}

type ConfigMap = {
  kind?: string;
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  data: Record<string, string>;
};
const getConfigMap = (name: string) =>
  env.client.get<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: env.ns, name });

describe('HelmRelease features', () => {
  it('creates and owns a HelmChart from spec.chart, and installs its artifact', async () => {
    await env.applyRelease('templated', {
      chart: {
        spec: {
          chart: 'small',
          version: '0.1.x',
          sourceRef: { kind: 'HelmRepository', name: 'charts' },
          interval: '5m',
        },
        metadata: { labels: { team: 'a' } },
      },
    });
    const chartName = `${env.ns}-templated`;
    const helmChart = await pollUntil('the HelmChart created', () =>
      env.client.getIfExists<{
        kind?: string;
        metadata?: { labels?: Record<string, string> };
        spec?: Record<string, unknown>;
      }>({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', namespace: env.ns, name: chartName }),
    );
    expect(helmChart.spec).toMatchObject({
      chart: 'small',
      version: '0.1.x',
      sourceRef: { kind: 'HelmRepository', name: 'charts' },
      interval: '5m',
      reconcileStrategy: 'ChartVersion',
    });
    expect(helmChart.metadata?.labels).toMatchObject({
      team: 'a',
      'helm.toolkit.fluxcd.io/name': 'templated',
      'helm.toolkit.fluxcd.io/namespace': env.ns,
    });
    const waiting = await pollUntil('waiting for the artifact', async () => {
      const hr = await env.getRelease('templated');
      return conditionOf(hr, 'Ready')?.reason === 'ArtifactFailed' ? hr : undefined;
    });
    expect(conditionOf(waiting, 'Ready')?.message).toBe(
      `chart source 'HelmChart/${env.ns}/${chartName}' is not ready: it has no artifact yet`,
    );
    // source-controller's part, played by the test: the chart's artifact
    await env.publishArtifactOf({ namespace: env.ns, name: chartName }, { version: '0.1.0' });
    const hr = await waitReady('templated');
    expect(hr.status?.helmChart).toBe(`${env.ns}/${chartName}`);
    await env.client.delete({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      namespace: env.ns,
      name: 'templated',
    });
    await pollUntil(
      'the owned HelmChart deleted',
      async () =>
        (await env.client.getIfExists({
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'HelmChart',
          namespace: env.ns,
          name: chartName,
        })) === undefined,
    );
  });

  it('installs from an OCIRepository and an ExternalArtifact named in chartRef', async () => {
    await env.publishSource('OCIRepository', 'oci-small', { version: '2.0.0' });
    await env.publishSource('ExternalArtifact', 'external-small', { version: '3.0.0' });
    await env.applyRelease('from-oci', { chartRef: { kind: 'OCIRepository', name: 'oci-small' } });
    await env.applyRelease('from-external', { chartRef: { kind: 'ExternalArtifact', name: 'external-small' } });
    expect(conditionOf(await waitReady('from-oci'), 'Ready')?.message).toContain('with chart small@2.0.0');
    expect(conditionOf(await waitReady('from-external'), 'Ready')?.message).toContain('with chart small@3.0.0');
    // a new artifact of the OCIRepository is released at once (watched)
    await env.publishArtifactOf({ namespace: env.ns, name: 'oci-small' }, { version: '2.1.0' }, 'OCIRepository');
    await waitReady('from-oci', (hr) => hr.status?.lastAttemptedRevision === '2.1.0');
  });

  it('post-renders with kustomize patches and commonMetadata; a change of them alone upgrades', async () => {
    await env.applyRelease('rendered', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      commonMetadata: { labels: { tier: 'web' }, annotations: { owner: 'team-a' } },
      postRenderers: [
        {
          kustomize: {
            patches: [{ target: { kind: 'ConfigMap' }, patch: '- op: add\n  path: /data/patched\n  value: "yes"\n' }],
            images: [{ name: 'registry.example.invalid/app', newTag: '2.0' }],
          },
        },
      ],
    });
    await waitReady('rendered');
    const configMap = await getConfigMap('rendered-config');
    expect(configMap.data['patched']).toBe('yes');
    expect(configMap.metadata.labels).toMatchObject({ tier: 'web', 'helm.toolkit.fluxcd.io/name': 'rendered' });
    expect(configMap.metadata.annotations).toMatchObject({ owner: 'team-a' });
    const deployment = await env.client.get<{
      kind?: string;
      spec: { template: { spec: { containers: Array<{ image: string }> } } };
    }>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: env.ns, name: 'rendered' });
    expect(deployment.spec.template.spec.containers[0]?.image).toBe('registry.example.invalid/app:2.0');
    await env.applyRelease('rendered', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      commonMetadata: { labels: { tier: 'api' } },
    });
    await waitReady('rendered', (hr) => hr.status?.history?.[0]?.version === 2);
    expect((await getConfigMap('rendered-config')).metadata.labels?.['tier']).toBe('api');
  });

  it('corrects drift under driftDetection enabled, and only reports it under warn', async () => {
    await env.applyRelease('drifty', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      values: { message: 'desired' },
      driftDetection: { mode: 'enabled' },
    });
    await waitReady('drifty');
    await env.client.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: env.ns, name: 'drifty-config' },
      { data: { message: 'changed by hand' } },
      'merge',
    );
    await env.requestReconcile('drifty');
    await pollUntil('drift corrected', async () => (await getConfigMap('drifty-config')).data['message'] === 'desired');
    expect(JSON.parse(await env.helm('history', 'drifty', '-n', env.ns, '-o', 'json'))).toHaveLength(1);

    await env.applyRelease('drifty', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      values: { message: 'desired' },
      driftDetection: { mode: 'warn' },
    });
    await waitReady('drifty');
    await env.client.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: env.ns, name: 'drifty-config' },
      { data: { message: 'changed again' } },
      'merge',
    );
    await env.requestReconcile('drifty');
    await pollUntil('drift reported', async () => {
      const events = await env.client.list<{
        kind?: string;
        reason?: string;
        message?: string;
        involvedObject?: { name?: string };
      }>({ group: '', version: 'v1', kind: 'Event' }, { namespace: env.ns });
      return events.items.find((event) => event.reason === 'DriftDetected' && event.involvedObject?.name === 'drifty');
    });
    expect((await getConfigMap('drifty-config')).data['message']).toBe('changed again');

    // an ignore rule keeps a field out of the comparison: corrected no more
    await env.applyRelease('drifty', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      values: { message: 'desired' },
      driftDetection: { mode: 'enabled', ignore: [{ paths: ['/data/message'], target: { kind: 'ConfigMap' } }] },
    });
    await waitReady('drifty');
    const requested = await env.requestReconcile('drifty');
    await pollUntil(
      'the request handled',
      async () => (await env.getRelease('drifty'))?.status?.lastHandledReconcileAt === requested || undefined,
    );
    expect((await getConfigMap('drifty-config')).data['message']).toBe('changed again');
  });

  it('runs the chart tests and records them in TestSuccess and the history', async () => {
    const testJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-smoke
  annotations:
    helm.sh/hook: test
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: smoke
          image: registry.example.invalid/curl:1
`;
    await env.publishChart('tested', { version: '1.0.0', templates: { 'tests/smoke.yaml': testJob } });
    await env.applyRelease('tested', { chartRef: { kind: 'HelmChart', name: 'tested' }, test: { enable: true } });
    const hr = await waitReady('tested', undefined, 90_000);
    expect(conditionOf(hr, 'TestSuccess')).toMatchObject({ status: 'True', reason: 'TestSucceeded' });
    expect(hr.status?.history?.[0]?.testHooks?.['tested-smoke']).toMatchObject({ phase: 'Succeeded' });
  });

  it('cancels a health wait on the old values when new ones arrive', async () => {
    // a Deployment whose pod can never be scheduled: the wait would last the whole 10 minute timeout, far past the
    // 60 s that waitReady gives the upgrade
    const values = { replicaCount: 1, message: 'stuck' };
    await env.applyRelease('waiting', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      timeout: '10m',
      values,
      postRenderers: [
        {
          kustomize: {
            patches: [
              {
                target: { kind: 'Deployment' },
                patch: '- op: add\n  path: /spec/template/spec/nodeSelector\n  value: {nowhere: "true"}\n',
              },
            ],
          },
        },
      ],
    });
    await pollUntil(
      'the health wait under way',
      async () =>
        conditionOf(await env.getRelease('waiting'), 'Reconciling')?.message.startsWith("Running 'install' action") ||
        undefined,
    );
    await env.applyRelease('waiting', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      timeout: '10m',
      values: { replicaCount: 0, message: 'unstuck' },
    });
    const hr = await waitReady('waiting', (current) => conditionOf(current, 'Ready')?.reason === 'UpgradeSucceeded');
    expect(hr.status?.history?.[0]?.version).toBe(2);
    expect(JSON.parse(await env.helm('get', 'values', 'waiting', '-n', env.ns, '-o', 'json'))).toEqual({
      replicaCount: 0,
      message: 'unstuck',
    });
  });

  it('waits for a Kustomization named in dependsOn to be Ready', async () => {
    await env.client.apply(
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'infra', namespace: env.ns },
        spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'none' } },
      },
      { fieldManager: 'test', force: true },
    );
    await env.applyRelease('dependent', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      dependsOn: [{ kind: 'Kustomization', name: 'infra' }],
    });
    const blocked = await pollUntil('blocked on the dependency', async () => {
      const hr = await env.getRelease('dependent');
      return conditionOf(hr, 'Ready')?.reason === 'DependencyNotReady' ? hr : undefined;
    });
    expect(conditionOf(blocked, 'Ready')?.message).toBe(`dependency Kustomization '${env.ns}/infra' is not ready`);
    // kustomize-controller's part, played by the test
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await env.client.apply(
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'infra', namespace: env.ns },
        status: {
          observedGeneration: 1,
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'ReconciliationSucceeded',
              message: 'Applied',
              lastTransitionTime: now,
            },
          ],
        },
      },
      { fieldManager: 'kustomize-controller', force: true, subresource: 'status' },
    );
    await waitReady('dependent');
  });

  it("waits for the release's Jobs to complete unless disableWaitForJobs", async () => {
    // a Job whose pod no node takes: kstatus calls it Current (running), helm's --wait-for-jobs does not
    await env.publishChart('jobs', {
      name: 'jobs',
      version: '0.1.0',
      bare: true,
      templates: {
        'job.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      nodeSelector:
        kubernetes.io/hostname: no-such-node
      containers:
        - name: migrate
          image: registry.example.invalid/migrate:1.0
`,
      },
    });
    const chartRef = { kind: 'HelmChart' as const, name: 'jobs' };
    await env.applyRelease('jobs-nowait', { chartRef, install: { disableWaitForJobs: true } });
    await waitReady('jobs-nowait');

    await env.applyRelease('jobs-wait', { chartRef, timeout: '3s', install: { remediation: { retries: 0 } } });
    const hr = await pollUntil('jobs-wait failed its health check', async () => {
      const current = await env.getRelease('jobs-wait');
      const ready = conditionOf(current, 'Ready');
      return ready?.status === 'False' && ready.message.includes('Job not complete') ? current : undefined;
    });
    expect(conditionOf(hr, 'Ready')?.message).toContain(`Job/${env.ns}/jobs-wait-migrate`);
    expect(conditionOf(hr, 'Released')).toMatchObject({ status: 'False', reason: 'InstallFailed' });
  });

  it('takes over an existing object that belongs to no release, unless disableTakeOwnership', async () => {
    const existing = (name: string) =>
      env.client.apply(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `${name}-config`, namespace: env.ns },
          data: { message: 'made by hand' },
        },
        { fieldManager: 'kubectl', force: true },
      );
    await existing('adopted');
    await existing('kept');
    await env.applyRelease('adopted', { chartRef: { kind: 'HelmChart', name: 'small' } });
    await waitReady('adopted').catch(async (error: unknown) => {
      throw new Error(
        `${(error as Error).message}: ${JSON.stringify((await env.getRelease('adopted'))?.status?.conditions)}`,
      );
    });
    const adopted = await getConfigMap('adopted-config');
    expect(adopted.metadata.annotations).toMatchObject({ 'meta.helm.sh/release-name': 'adopted' });
    expect(adopted.data['message']).toBe('hello');
    // a field another manager took since: the next upgrade takes it back (server-side apply, conflicts forced)
    await env.client.apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'adopted-config', namespace: env.ns },
        data: { message: 'changed by hand' },
      },
      { fieldManager: 'someone', force: true },
    );
    await env.applyRelease('adopted', { chartRef: { kind: 'HelmChart', name: 'small' }, values: { message: 'v2' } });
    await waitReady('adopted', (hr) => hr.status?.history?.[0]?.version === 2);
    expect((await getConfigMap('adopted-config')).data['message']).toBe('v2');

    await env.applyRelease('kept', {
      chartRef: { kind: 'HelmChart', name: 'small' },
      install: { disableTakeOwnership: true, remediation: { retries: 0 } },
    });
    const hr = await pollUntil('kept refused to take the ConfigMap over', async () => {
      const current = await env.getRelease('kept');
      return conditionOf(current, 'Released')?.status === 'False' ? current : undefined;
    });
    expect(conditionOf(hr, 'Released')?.message).toContain('kept-config');
    expect(conditionOf(hr, 'Released')?.message).toMatch(/cannot be imported into the current release/);
    expect((await getConfigMap('kept-config')).data['message']).toBe('made by hand');
  });
});
