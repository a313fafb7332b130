// Shapes 1–3, Flux's scale-benchmark shape: N Kustomizations of one GitRepository whose artifact (served over HTTP,
// its status written here, no source-controller running) holds a ServiceAccount, a Service, a ConfigMap and a
// Deployment scaled to 0, to Ready; the same unchanged, one cycle (no applied object written); and the latency from a
// new revision of one Kustomization's own source to its ConfigMap applied.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { startStaticServer } from '@fluxion/testenv';
import { total } from './audit-counts.ts';
import { mapLimit, percentile, until } from './cluster-steps.ts';
import type { Side } from './controllers.ts';
import { isReady, type ShapeContext, type Toolkit } from './shape-context.ts';
import {
  appliedResourceVersions,
  benchAppManifests,
  configMapColor,
  publishBenchSource,
} from '../../packages/kustomize-controller/bench/bench-source.ts';

const KS = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization' };

export async function kustomizations(context: ShapeContext, side: Side, count: number, samples: number): Promise<void> {
  const { client, namespace, log, work } = context;
  const artifactDir = mkdtempSync(join(work, 'artifacts-'));
  const server = await startStaticServer(artifactDir);
  try {
    await context.withControllers(side, ['kustomize-controller'], async (controller, measure) => {
      const home = { client, namespace, artifactDir, serverUrl: server.url, fieldManager: 'fluxion-bench' };
      const publish = (source: string, color: string) => publishBenchSource(home, source, benchAppManifests(color));
      const revision = await publish('fleet', 'blue');
      const names = Array.from({ length: count }, (_, index) => `app-${String(index).padStart(4, '0')}`);

      // (a) N Kustomizations created to all Ready at the revision
      const first = await measure(async () => {
        await mapLimit(names, 32, (ksName) =>
          client.apply(kustomization(ksName, 'fleet', true), { fieldManager: 'fluxion-bench', force: true }),
        );
        await context.untilAll<Toolkit>(
          controller,
          KS,
          count,
          (ks) => isReady(ks) && ks.status?.lastAppliedRevision === revision,
          60 * 60_000,
          `${count} Kustomizations Ready (${side})`,
        );
      });
      context.record(`${count} Kustomizations to Ready`, side, first, count);
      log(`${side}: ${count} Kustomizations Ready in ${first.seconds.toFixed(1)} s`);

      // (b) the same, unchanged, reconciled once more: no writes to the applied objects
      const before = await appliedResourceVersions(client, namespace);
      const { row: cycleRow, phase: cycle } = await context.unchangedCycle(
        { shape: `${count} Kustomizations, unchanged, one cycle`, side, controller, measure },
        KS,
        names,
      );
      const after = await appliedResourceVersions(client, namespace);
      cycleRow['applied objects written (of ' + before.size + ')'] = [...before].filter(
        ([key, version]) => after.get(key) !== version,
      ).length;
      log(`${side}: unchanged cycle in ${cycle.seconds.toFixed(1)} s`);

      // (c) a new revision of one Kustomization's own source to its ConfigMap applied
      await publish('single', 'v0');
      await client.apply(kustomization('single', 'single', false), { fieldManager: 'fluxion-bench', force: true });
      await until(
        async () => (await configMapColor(client, namespace, 'single-app')) === 'v0',
        300_000,
        `the latency Kustomization (${side})`,
      );
      const latencies: number[] = [];
      const latency = await measure(async () => {
        for (let sample = 1; sample <= samples; sample++) {
          const began = performance.now();
          await publish('single', `v${sample}`);
          await until(
            async () => (await configMapColor(client, namespace, 'single-app')) === `v${sample}`,
            120_000,
            `revision v${sample} applied (${side})`,
            10,
          );
          latencies.push(performance.now() - began);
        }
      });
      const row = context.figures('new revision → applied', side);
      row['p50 (ms)'] = percentile(latencies, 0.5);
      row['p90 (ms)'] = percentile(latencies, 0.9);
      row[`CPU for ${samples} revisions (s)`] = latency.cpu;
      row[`API requests per revision`] = total(latency.requests) / samples;
    });
  } finally {
    await server.stop();
  }

  function kustomization(name: string, source: string, wait: boolean): KubernetesObject {
    return {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name, namespace },
      spec: {
        interval: '1h',
        prune: true,
        wait,
        timeout: '5m',
        path: './app',
        namePrefix: `${name}-`,
        targetNamespace: namespace,
        sourceRef: { kind: 'GitRepository', name: source },
      },
    } as KubernetesObject;
  }
}
