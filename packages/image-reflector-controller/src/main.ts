// image-reflector-controller: Flux's flags, wiring, start; nothing else.
import {
  boolFlag,
  FlagSet,
  intFlag,
  kubeconfigFlag,
  runControllerMain,
  runtimeFlags,
  stringFlag,
} from '@fluxion/runtime';
import { setupImageReflector } from './image-reflector.ts';
import { OciImageRegistry } from './oci-image-registry.ts';
import { resolveRegistryAccess } from './registry-access.ts';

const controllerName = 'image-reflector-controller';

export const imageReflectorFlags = new FlagSet(controllerName, runtimeFlags).with({
  kubeconfig: kubeconfigFlag,
  'storage-path': stringFlag(
    '/data',
    'Accepted for Flux compatibility: tags are kept in memory and rescanned after a restart.',
  ),
  'storage-value-log-file-size': intFlag(1 << 28, 'Accepted for Flux compatibility (a BadgerDB setting); unused.'),
  'aws-autologin-for-ecr': boolFlag(false, "Accepted for Flux compatibility; provider 'aws' is not supported yet."),
  'azure-autologin-for-acr': boolFlag(false, "Accepted for Flux compatibility; provider 'azure' is not supported yet."),
  'gcp-autologin-for-gcr': boolFlag(false, "Accepted for Flux compatibility; provider 'gcp' is not supported yet."),
  'tag-page-size': intFlag(0, 'Tags asked per page of a registry tag list (?n=); 0 leaves it to the registry.'),
});

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runControllerMain({
    name: controllerName,
    flagSet: imageReflectorFlags,
    argv,
    nameOnLogLines: true,
    wire: ({ flags, runtime, logger, client, manager, events, watch }) => {
      setupImageReflector({
        manager,
        client,
        registry: new OciImageRegistry({
          userAgent: controllerName,
          ...(flags['tag-page-size'] > 0 ? { pageSize: flags['tag-page-size'] } : {}),
        }),
        resolveAccess: resolveRegistryAccess,
        events,
        namespace: watch.namespace,
        labelSelector: watch.labelSelector,
        noCrossNamespaceRefs: runtime.noCrossNamespaceRefs,
        concurrency: runtime.concurrency,
        minRetryDelayMs: runtime.minRetryDelayMs,
        maxRetryDelayMs: runtime.maxRetryDelayMs,
      });
      logger.info({ concurrency: runtime.concurrency }, 'Starting image-reflector-controller');
    },
  });
}
