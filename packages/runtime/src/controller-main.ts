// A controller process from flags to run: logger, kubeconfig, client and manager made once; the controller wires its kinds.
import type { Logger } from 'pino';
import { createClient, type KubeClient } from './client.ts';
import { EventRecorder } from './events.ts';
import {
  parseFlagsOrExit,
  runtimeOptionsFromFlags,
  stringFlag,
  type FlagDefinitions,
  type FlagSet,
  type FlagValues,
  type RuntimeOptions,
  type runtimeFlags,
} from './flags.ts';
import { loadKubeConfig } from './kube-config.ts';
import { createLogger } from './logger.ts';
import { Manager, runtimeNamespace } from './manager.ts';
import { watchScope } from './reflector.ts';
import type { WatcherOptions } from './watcher.ts';

/** `--kubeconfig`: a controller whose flag set has it under this name loads that file. */
export const kubeconfigFlag = stringFlag('', 'Path to a kubeconfig; KUBECONFIG or the in-cluster config when empty.');

/** What a controller's `wire` gets: everything the shared flags configure, made once for the process. */
export interface ControllerProcess<D extends FlagDefinitions> {
  flags: FlagValues<D>;
  runtime: RuntimeOptions;
  logger: Logger;
  client: KubeClient;
  manager: Manager;
  /** Kubernetes Events reported as this controller. */
  events: EventRecorder;
  /** `--watch-all-namespaces` and `--watch-label-selector` as watch options. */
  watch: Pick<WatcherOptions, 'namespace' | 'labelSelector'>;
}

export interface ControllerMainOptions<D extends typeof runtimeFlags> {
  /** The process name: user agent, manager (leader election lease), events' reporting controller. */
  name: string;
  flagSet: FlagSet<D>;
  argv?: readonly string[];
  /**
   * `controller: <name>` on every log line; off where one process runs several kinds' controllers, whose
   * lines name their own controller under the same key.
   */
  nameOnLogLines?: boolean;
  /** Adds the controller's kinds (and servers) to the manager; a throw stops the start, logged. */
  wire(process: ControllerProcess<D>): void | Promise<void>;
}

/**
 * Parses the flags (usage or a bad flag exit as Go's flag package does), then runs the manager the controller
 * wired until SIGTERM; returns the exit code. A failure to start (kubeconfig, wiring) is logged, and gives 1.
 */
export async function runControllerMain<D extends typeof runtimeFlags>(
  options: ControllerMainOptions<D>,
): Promise<number> {
  const flags = parseFlagsOrExit(options.flagSet, options.argv);
  const runtime = runtimeOptionsFromFlags(flags);
  const logger = createLogger({
    level: runtime.logLevel,
    encoding: runtime.logEncoding,
    ...(options.nameOnLogLines ? { base: { controller: options.name } } : {}),
  });
  try {
    const kubeconfigPath = (flags as Record<string, unknown>)['kubeconfig'];
    const kubeConfig = loadKubeConfig(typeof kubeconfigPath === 'string' && kubeconfigPath ? { kubeconfigPath } : {});
    const client = createClient({
      kubeConfig,
      qps: runtime.kubeApiQps,
      burst: runtime.kubeApiBurst,
      userAgent: options.name,
    });
    const manager = new Manager({
      name: options.name,
      logger,
      kubeConfig,
      metricsAddress: runtime.metricsAddress,
      healthAddress: runtime.healthAddress,
      leaderElection: runtime.leaderElection,
    });
    await options.wire({
      flags,
      runtime,
      logger,
      client,
      manager,
      events: new EventRecorder(client, { reportingController: options.name }),
      watch: watchScope({
        watchAllNamespaces: runtime.watchAllNamespaces,
        runtimeNamespace: runtimeNamespace(),
        watchLabelSelector: runtime.watchLabelSelector,
      }),
    });
    return await manager.run();
  } catch (error) {
    logger.error({ err: error }, 'Unable to start the controller');
    return 1;
  }
}
