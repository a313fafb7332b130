// helm-controller: flags (Flux's names), wiring, start; nothing else.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  durationFlag,
  FlagError,
  FlagSet,
  intFlag,
  runControllerMain,
  runtimeFlags,
  stringFlag,
} from '@fluxion/runtime';
import { findHelmHelper } from './helm-helper-binary.ts';
import { ControllerName, setupHelmReleaseController } from './helmrelease-controller.ts';

// Flux defaults to 4; a reconcile waiting on health holds a worker but no helm process (--helm-concurrency bounds those)
export const helmControllerFlags = new FlagSet(ControllerName, {
  ...runtimeFlags,
  concurrent: intFlag(10, 'The number of concurrent HelmRelease reconciles.'),
}).with({
  'helm-concurrency': intFlag(4, 'The most helm actions run at once; reconciles waiting for health hold none.'),
  'health-poll-interval': durationFlag(
    1000,
    'How often the objects of a release are read while waiting for them to be ready.',
  ),
  'artifact-fetch-retries': intFlag(
    2,
    'The maximum number of retries when fetching a chart artifact from the source server.',
  ),
  'feature-gates': stringFlag(
    '',
    'A comma-separated list of key=value pairs for alpha/experimental features; none are known yet.',
  ),
  'helm-path': stringFlag(process.env['FLUXION_HELM'] ?? 'helm', 'The helm (v4) binary the controller runs.'),
  'helm-helper-path': stringFlag(
    findHelmHelper() ?? '',
    "fluxion-helm-helper, which runs every helm action in one process on Helm's SDK; empty: a helm process each.",
  ),
  'helm-home': stringFlag(
    join(tmpdir(), 'helm-controller'),
    'Where helm keeps its cache and configuration (HELM_*_HOME).',
  ),
});

/** No gates yet: an unknown one is refused rather than silently ignored. */
export function parseFeatureGates(text: string): Record<string, boolean> {
  const gates: Record<string, boolean> = {};
  for (const pair of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [name] = pair.split('=');
    throw new FlagError(`unknown feature gate "${name}" in --feature-gates: helm-controller knows none yet`);
  }
  return gates;
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runControllerMain({
    name: ControllerName,
    flagSet: helmControllerFlags,
    argv,
    nameOnLogLines: true,
    wire: ({ flags, runtime, logger, client, manager, watch }) => {
      parseFeatureGates(flags['feature-gates']);
      setupHelmReleaseController(manager, {
        client,
        logger,
        concurrency: runtime.concurrency,
        minRetryDelayMs: runtime.minRetryDelayMs,
        maxRetryDelayMs: runtime.maxRetryDelayMs,
        requeueDependencyMs: runtime.requeueDependencyMs,
        defaultServiceAccount: runtime.defaultServiceAccount,
        noCrossNamespaceRefs: runtime.noCrossNamespaceRefs,
        helmPath: flags['helm-path'],
        helperPath: flags['helm-helper-path'] || undefined,
        kubeApiQps: runtime.kubeApiQps,
        kubeApiBurst: runtime.kubeApiBurst,
        helmHome: flags['helm-home'],
        helmConcurrency: flags['helm-concurrency'],
        healthPollIntervalMs: flags['health-poll-interval'],
        artifactFetchRetries: flags['artifact-fetch-retries'],
        namespace: watch.namespace,
        labelSelector: watch.labelSelector,
      });
      logger.info(
        { concurrency: runtime.concurrency, helm: flags['helm-helper-path'] || flags['helm-path'] },
        'Starting helm-controller',
      );
    },
  });
}
