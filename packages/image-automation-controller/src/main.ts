// image-automation-controller: flags (Flux's names), wiring, start; nothing else.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import {
  createClient,
  createLogger,
  EventRecorder,
  FlagError,
  FlagSet,
  intFlag,
  loadKubeConfig,
  Manager,
  parseFlagsOrExit,
  runtimeFlags,
  runtimeNamespace,
  runtimeOptionsFromFlags,
  stringFlag,
} from '@fluxion/runtime';
import { setupImageUpdateAutomationController } from './imageupdateautomation-controller.ts';

export const controllerName = 'image-automation-controller';

export const imageAutomationFlags = new FlagSet(controllerName, {
  ...runtimeFlags,
  concurrent: intFlag(4, 'The number of concurrent automation runs.'),
}).with({
  'feature-gates': stringFlag(
    '',
    'A comma-separated list of key=value pairs for features: GitForcePushBranch (only false: pushes are never forced), GitShallowClone, GitAllBranchReferences.',
  ),
  kubeconfig: stringFlag('', 'Path to a kubeconfig; KUBECONFIG or the in-cluster config when empty.'),
});

const knownGates = new Set([
  'GitForcePushBranch',
  'GitShallowClone',
  'GitAllBranchReferences',
  'CacheSecretsAndConfigMaps',
]);

export function checkFeatureGates(text: string): void {
  for (const pair of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [name = '', value = 'true'] = pair.split('=');
    if (!knownGates.has(name))
      throw new FlagError(
        `unknown feature gate "${name}" in --feature-gates: known gates are ${[...knownGates].join(', ')}`,
      );
    if (name === 'GitForcePushBranch' && value === 'true')
      throw new FlagError('GitForcePushBranch=true is not supported: this controller never force pushes');
  }
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const flags = parseFlagsOrExit(imageAutomationFlags, argv);
  const runtime = runtimeOptionsFromFlags(flags);
  checkFeatureGates(flags['feature-gates']);
  const logger = createLogger({
    level: runtime.logLevel,
    encoding: runtime.logEncoding,
    base: { controller: controllerName },
  });
  try {
    const kubeConfig = loadKubeConfig(flags.kubeconfig ? { kubeconfigPath: flags.kubeconfig } : {});
    const client = createClient({
      kubeConfig,
      qps: runtime.kubeApiQps,
      burst: runtime.kubeApiBurst,
      userAgent: controllerName,
    });
    // Clones and key files need a writable temp directory, even on a read-only root filesystem (TMPDIR).
    await mkdir(tmpdir(), { recursive: true });
    const manager = new Manager({
      name: controllerName,
      logger,
      kubeConfig,
      metricsAddress: runtime.metricsAddress,
      healthAddress: runtime.healthAddress,
      leaderElection: runtime.leaderElection,
    });
    setupImageUpdateAutomationController({
      manager,
      client,
      events: new EventRecorder(client, { reportingController: controllerName }),
      namespace: runtime.watchAllNamespaces ? undefined : runtimeNamespace(),
      labelSelector: runtime.watchLabelSelector || undefined,
      noCrossNamespaceRefs: runtime.noCrossNamespaceRefs,
      concurrency: runtime.concurrency,
      minRetryDelayMs: runtime.minRetryDelayMs,
      maxRetryDelayMs: runtime.maxRetryDelayMs,
    });
    return await manager.run();
  } catch (error) {
    logger.error({ err: error }, 'Unable to start the controller');
    return 1;
  }
}
