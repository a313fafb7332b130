// image-automation-controller: flags (Flux's names), wiring, start; nothing else.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import {
  FlagError,
  FlagSet,
  intFlag,
  kubeconfigFlag,
  runControllerMain,
  runtimeFlags,
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
  kubeconfig: kubeconfigFlag,
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
  return runControllerMain({
    name: controllerName,
    flagSet: imageAutomationFlags,
    argv,
    nameOnLogLines: true,
    wire: async ({ flags, runtime, client, manager, events, watch }) => {
      checkFeatureGates(flags['feature-gates']);
      // Clones and key files need a writable temp directory, even on a read-only root filesystem (TMPDIR).
      await mkdir(tmpdir(), { recursive: true });
      setupImageUpdateAutomationController({
        manager,
        client,
        events,
        namespace: watch.namespace,
        labelSelector: watch.labelSelector,
        noCrossNamespaceRefs: runtime.noCrossNamespaceRefs,
        concurrency: runtime.concurrency,
        minRetryDelayMs: runtime.minRetryDelayMs,
        maxRetryDelayMs: runtime.maxRetryDelayMs,
      });
    },
  });
}
