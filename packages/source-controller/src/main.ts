// source-controller: Flux's flags, the artifact store and server, the source controllers, and start.
import { mkdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createClient,
  createLogger,
  durationFlag,
  EventRecorder,
  FlagSet,
  intFlag,
  loadKubeConfig,
  Manager,
  parseFlagsOrExit,
  runtimeFlags,
  runtimeNamespace,
  runtimeOptionsFromFlags,
  stringFlag,
  watchScope,
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
  kubeconfig: stringFlag('', 'Path to a kubeconfig; KUBECONFIG or the in-cluster config when empty.'),
  'helm-index-max-size': intFlag(50 * 1024 * 1024, 'The max allowed size in bytes of a Helm repository index file.'),
  'helm-chart-max-size': intFlag(10 * 1024 * 1024, 'The max allowed size in bytes of a Helm chart file.'),
  'helm-path': stringFlag(
    process.env.FLUXION_HELM ?? '',
    'The helm binary that packages charts from Git and Bucket sources (default: the build cache, then PATH).',
  ),
});

const flags = parseFlagsOrExit(flagSet);
const options = runtimeOptionsFromFlags(flags);
const logger = createLogger({ level: options.logLevel, encoding: options.logEncoding });

try {
  process.exitCode = await run();
} catch (error) {
  logger.error({ err: error }, 'Unable to start the controller');
  process.exitCode = 1;
}

async function run(): Promise<number> {
  const kubeConfig = loadKubeConfig(flags.kubeconfig ? { kubeconfigPath: flags.kubeconfig } : {});
  const client = createClient({
    kubeConfig,
    qps: options.kubeApiQps,
    burst: options.kubeApiBurst,
    userAgent: controllerName,
  });

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

  const manager = new Manager({
    name: controllerName,
    logger,
    kubeConfig,
    metricsAddress: options.metricsAddress,
    healthAddress: options.healthAddress,
    leaderElection: options.leaderElection,
  });
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
    events: new EventRecorder(client, { reportingController: controllerName }),
    ...watchScope({
      watchAllNamespaces: options.watchAllNamespaces,
      runtimeNamespace: runtimeNamespace(),
      watchLabelSelector: options.watchLabelSelector,
    }),
    concurrency: options.concurrency,
    minRetryDelayMs: options.minRetryDelayMs,
    maxRetryDelayMs: options.maxRetryDelayMs,
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
  return manager.run();
}
