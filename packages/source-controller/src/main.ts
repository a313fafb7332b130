// source-controller: Flux's flags, the artifact store and server, the source controllers, and start.
import { mkdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  durationFlag,
  FlagSet,
  intFlag,
  kubeconfigFlag,
  runControllerMain,
  runtimeFlags,
  stringFlag,
  type ControllerProcess,
} from '@fluxion/runtime';
import { startArtifactServer } from './artifact-server.ts';
import { setupBucketController } from './bucket-controller.ts';
import { setupGitRepositoryController } from './gitrepository-controller.ts';
import { setupHelmChartController } from './helmchart-controller.ts';
import { setupHelmRepositoryController } from './helmrepository-controller.ts';
import { setupOCIRepositoryController } from './ocirepository-controller.ts';
import { ArtifactStorage } from './storage.ts';
import { StorageError } from './storage-error.ts';

const controllerName = 'source-controller';

const flagSet = new FlagSet(controllerName, runtimeFlags).with({
  'storage-path': stringFlag(process.env.STORAGE_PATH ?? '', 'The local storage path (default ./data).'),
  'storage-addr': stringFlag(process.env.STORAGE_ADDR ?? ':9090', 'The address the static file server binds to.'),
  'storage-adv-addr': stringFlag(
    process.env.STORAGE_ADV_ADDR ?? '',
    'The advertised address of the static file server (default: this host name and the bound port).',
  ),
  'artifact-retention-ttl': durationFlag(
    60_000,
    'The duration for which artifacts beyond the latest are kept before garbage collection.',
  ),
  'artifact-retention-records': intFlag(2, 'The maximum number of artifacts to keep per object, the latest included.'),
  kubeconfig: kubeconfigFlag,
  'helm-index-max-size': intFlag(50 * 1024 * 1024, 'The max allowed size in bytes of a Helm repository index file.'),
  'helm-chart-max-size': intFlag(10 * 1024 * 1024, 'The max allowed size in bytes of a Helm chart file.'),
  'helm-path': stringFlag(
    process.env.FLUXION_HELM ?? '',
    'The helm binary that packages charts from Git and Bucket sources (default: the build cache, then PATH).',
  ),
});

process.exitCode = await runControllerMain({ name: controllerName, flagSet, wire: wireSourceControllers });

/** The artifact storage and its server, then a controller per source kind. */
async function wireSourceControllers({
  flags,
  runtime,
  logger,
  client,
  manager,
  events,
  watch,
}: ControllerProcess<typeof flagSet.definitions>): Promise<void> {
  const storagePath = resolve(flags['storage-path'] || join(process.cwd(), 'data'));
  await mkdir(storagePath, { recursive: true }).catch((error: unknown) => {
    throw new StorageError('creating storage directory', storagePath, error);
  });
  // Checkouts and key files need a writable temp directory, even on a read-only root filesystem (TMPDIR).
  await mkdir(tmpdir(), { recursive: true });
  const artifactServer = await startArtifactServer({ storagePath, address: flags['storage-addr'] });
  const storage = new ArtifactStorage({
    basePath: storagePath,
    advertisedAddress: flags['storage-adv-addr'] || `${hostname()}:${artifactServer.port}`,
    retentionRecords: flags['artifact-retention-records'],
    retentionTtlMs: flags['artifact-retention-ttl'],
  });
  logger.info(
    { url: artifactServer.url, storagePath, advertisedAddress: storage.advertisedAddress },
    'Serving artifacts',
  );
  manager.addRunnable({
    name: 'artifact-server',
    start: (signal) =>
      new Promise<void>((stopped) =>
        signal.addEventListener('abort', () => void artifactServer.close().finally(stopped), { once: true }),
      ),
  });
  const controllerOptions = {
    manager,
    client,
    storage,
    events,
    ...watch,
    concurrency: runtime.concurrency,
    minRetryDelayMs: runtime.minRetryDelayMs,
    maxRetryDelayMs: runtime.maxRetryDelayMs,
  };
  const gitRepositories = setupGitRepositoryController(controllerOptions);
  const helmRepositories = setupHelmRepositoryController({
    ...controllerOptions,
    indexMaxBytes: flags['helm-index-max-size'],
  });
  const buckets = setupBucketController(controllerOptions);
  setupHelmChartController({
    ...controllerOptions,
    sources: { HelmRepository: helmRepositories.cache, GitRepository: gitRepositories.cache, Bucket: buckets.cache },
    helmPath: flags['helm-path'],
    chartMaxBytes: flags['helm-chart-max-size'],
  });
  setupOCIRepositoryController(controllerOptions);
}
