// kustomize-controller: flags (Flux's names), wiring, start; nothing else.
import { boolFlag, FlagError, FlagSet, intFlag, runControllerMain, runtimeFlags, stringFlag } from '@fluxion/runtime';
import { ControllerName, setupKustomizationController } from './kustomization-controller.ts';

// Flux defaults to 4; a reconcile waiting on health holds a worker but, here, no thread: 20 keeps a fleet moving
export const kustomizeControllerFlags = new FlagSet(ControllerName, {
  ...runtimeFlags,
  concurrent: intFlag(20, 'The number of concurrent kustomize reconciles.'),
}).with({
  'no-remote-bases': boolFlag(
    false,
    'Disallow remote bases usage in Kustomize overlays; remote bases are not supported by kustomize-ts yet either way.',
  ),
  'artifact-fetch-retries': intFlag(
    2,
    'The maximum number of retries when fetching an artifact from the source server.',
  ),
  'feature-gates': stringFlag(
    '',
    'A comma-separated list of key=value pairs for alpha/experimental features: StrictPostBuildSubstitutions (default true), AdditiveCELDependencyCheck (default false).',
  ),
});

/**
 * `StrictPostBuildSubstitutions` is on unless turned off: an unset variable without default fails the build.
 * `AdditiveCELDependencyCheck`: a dependency with a readyExpr must also pass the built-in readiness check.
 */
export function parseFeatureGates(text: string): {
  strictPostBuildSubstitutions: boolean;
  additiveCelDependencyCheck: boolean;
} {
  const gates = { strictPostBuildSubstitutions: true, additiveCelDependencyCheck: false };
  for (const pair of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [name, value = 'true'] = pair.split('=');
    if (name === 'StrictPostBuildSubstitutions') gates.strictPostBuildSubstitutions = value === 'true';
    else if (name === 'AdditiveCELDependencyCheck') gates.additiveCelDependencyCheck = value === 'true';
    else
      throw new FlagError(
        `unknown feature gate "${name}" in --feature-gates: known gates are StrictPostBuildSubstitutions, AdditiveCELDependencyCheck`,
      );
  }
  return gates;
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runControllerMain({
    name: ControllerName,
    flagSet: kustomizeControllerFlags,
    argv,
    nameOnLogLines: true,
    wire: ({ flags, runtime, logger, client, manager, watch }) => {
      const gates = parseFeatureGates(flags['feature-gates']);
      setupKustomizationController(manager, {
        client,
        logger,
        concurrency: runtime.concurrency,
        minRetryDelayMs: runtime.minRetryDelayMs,
        maxRetryDelayMs: runtime.maxRetryDelayMs,
        requeueDependencyMs: runtime.requeueDependencyMs,
        defaultServiceAccount: runtime.defaultServiceAccount,
        noCrossNamespaceRefs: runtime.noCrossNamespaceRefs,
        noRemoteBases: flags['no-remote-bases'],
        strictSubstitution: gates.strictPostBuildSubstitutions,
        additiveCelDependencyCheck: gates.additiveCelDependencyCheck,
        artifactFetchRetries: flags['artifact-fetch-retries'],
        namespace: watch.namespace,
        labelSelector: watch.labelSelector,
        kubeApiQps: runtime.kubeApiQps,
        kubeApiBurst: runtime.kubeApiBurst,
      });
      logger.info(
        { concurrency: runtime.concurrency, strictPostBuildSubstitutions: gates.strictPostBuildSubstitutions },
        'Starting kustomize-controller',
      );
    },
  });
}
