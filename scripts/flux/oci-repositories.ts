// Shape: N OCIRepositories, each on its own small artifact in a local registry (Debian's docker-registry), to Ready at
// the pushed revision; then all of them reconciled once more, unchanged: no artifact pulled again (the registry's own
// log counts the GETs), no write beyond the status.
import { readFile } from 'node:fs/promises';
import { benchOciRepositorySpec, pushBenchArtifacts, startOciRegistry } from '@fluxion/testenv';
import { RegistryClient } from '../../packages/runtime/src/index.ts';
import { mapLimit } from './cluster-steps.ts';
import type { Side } from './controllers.ts';
import { isReady, type ShapeContext, type Toolkit } from './shape-context.ts';

const OCI = { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'OCIRepository' };

/** GETs of a manifest or a blob in the registry's log: an artifact (or its manifest) pulled; HEADs are not. */
export function registryPulls(log: string): number {
  return log.split('\n').filter((line) => /"GET \/v2\/\S+\/(blobs|manifests)\//.test(line)).length;
}

export async function ociRepositories(
  context: ShapeContext,
  sides: readonly Side[],
  count: number,
  concurrent: number,
): Promise<void> {
  const { client, namespace, log } = context;
  const registry = await startOciRegistry();
  try {
    const pusher = new RegistryClient({ registry: registry.host, insecure: true });
    const revisions = await pushBenchArtifacts(pusher, count).finally(() => pusher.close());
    log(`${count} artifacts pushed to the registry at ${registry.host}`);
    const names = Array.from({ length: count }, (_, i) => `app-${i}`);
    const registryGets = async (): Promise<number> => registryPulls(await readFile(registry.logFile, 'utf8'));

    await context.forEachSide(sides, 'OCIRepositories', async (side) => {
      await context.withControllers(
        side,
        ['source-controller'],
        async (controller, measure) => {
          const first = await measure(async () => {
            await mapLimit(names, 32, (name) =>
              client.apply(
                {
                  apiVersion: 'source.toolkit.fluxcd.io/v1',
                  kind: 'OCIRepository',
                  metadata: { name, namespace },
                  spec: benchOciRepositorySpec(registry.host, Number(name.slice('app-'.length))),
                },
                { fieldManager: 'fluxion-bench', force: true },
              ),
            );
            await context.untilAll<Toolkit>(
              controller,
              OCI,
              count,
              (repository) =>
                isReady(repository) &&
                repository.status?.artifact?.revision ===
                  revisions[Number(repository.metadata?.name?.slice('app-'.length))],
              60 * 60_000,
              `${count} OCIRepositories Ready (${side})`,
            );
          });
          context.record(`${count} OCIRepositories to Ready`, side, first, count);

          const getsBefore = await registryGets();
          const { row } = await context.unchangedCycle(
            { shape: `${count} OCIRepositories, unchanged, one cycle`, side, controller, measure },
            OCI,
            names,
            isReady,
          );
          // HEADs to see the tag unchanged are expected; a GET of a manifest or blob is the artifact pulled again
          row['registry manifest and blob GETs'] = (await registryGets()) - getsBefore;
        },
        { 'source-controller': concurrent },
      );
    });
  } finally {
    await registry.stop();
  }
}
