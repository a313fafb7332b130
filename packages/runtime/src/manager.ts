// Runs a controller process: servers, leader election, controllers, and a graceful shutdown on SIGTERM.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { apiServerReachableCheck } from './api-server-check.ts';
import type { KubeConfigSource } from './client-node-kube-config.ts';
import { Controller, type ControllerOptions } from './controller.ts';
import { HealthChecks, startHealthServer } from './health-server.ts';
import { parseListenAddress, type RunningHttpServer } from './http-listener.ts';
import { LeaderElector, type LeaderElectionError } from './leader-election.ts';
import { RuntimeMetrics } from './metrics.ts';
import { startMetricsServer } from './metrics-server.ts';

/** Something the manager starts and stops with the process, e.g. a watch that fills a cache. */
export interface Runnable {
  name: string;
  /** Start work; stop when `signal` aborts. A returned promise is awaited on shutdown. */
  start(signal: AbortSignal): void | Promise<void>;
  /** Only the leader runs it (default false: caches warm on every replica, so a new leader starts fast). */
  needsLeaderElection?: boolean;
}

export interface ManagerLeaderElectionOptions {
  enabled: boolean;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Default `<manager name>-leader-election`. */
  leaseName?: string;
  /** Default: $RUNTIME_NAMESPACE, $POD_NAMESPACE, the service account's namespace, or `default`. */
  leaseNamespace?: string;
  identity?: string;
}

export interface ManagerOptions {
  /** The process name, e.g. `source-controller`. */
  name: string;
  logger: Logger;
  /** Needed for leader election; controllers bring their own clients. */
  kubeConfig?: KubeConfigSource;
  metrics?: RuntimeMetrics;
  /** `--metrics-addr`; `0` turns the metrics server off. */
  metricsAddress?: string;
  /** `--health-addr`; `0` turns the health server off. */
  healthAddress?: string;
  leaderElection?: ManagerLeaderElectionOptions;
  /** How long in-flight reconciles get to finish on shutdown. */
  gracefulShutdownMs?: number;
  /**
   * `/readyz` fails while the API server at `kubeConfig` does not answer (check `kube-apiserver`), so a
   * controller cut off from it is taken out of rotation, not restarted. Default: on when `kubeConfig` is given.
   */
  apiServerReadinessCheck?: boolean;
}

export const defaultGracefulShutdownMs = 30_000;

export type StopReason = 'signal' | 'leader-election-lost' | 'requested';

export class Manager {
  readonly name: string;
  readonly logger: Logger;
  readonly metrics: RuntimeMetrics;
  readonly health = new HealthChecks();
  readonly #options: ManagerOptions;
  readonly #controllers: Controller[] = [];
  readonly #runnables: Runnable[] = [];
  readonly #stop = new AbortController();
  readonly #runnablesDone: Promise<void>[] = [];
  readonly #servers: RunningHttpServer[] = [];
  #elector: LeaderElector | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  readonly #done: Promise<StopReason>;
  #resolveDone!: (reason: StopReason) => void;
  #metricsUrl: string | undefined;
  #healthUrl: string | undefined;

  constructor(options: ManagerOptions) {
    this.#options = options;
    this.name = options.name;
    this.logger = options.logger;
    this.metrics = options.metrics ?? new RuntimeMetrics({ processMetrics: true });
    this.#done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
    this.health.addReadinessCheck('manager', () => {
      if (this.#state !== 'running') throw new Error(`manager is ${this.#state}`);
    });
    if (options.kubeConfig && options.apiServerReadinessCheck !== false) {
      this.health.addReadinessCheck('kube-apiserver', apiServerReachableCheck(options.kubeConfig));
    }
  }

  /** Create a controller that the manager starts (when leading) and drains on shutdown. */
  addController(options: Omit<ControllerOptions, 'logger' | 'metrics'> & { logger?: Logger }): Controller {
    if (this.#state !== 'new') throw new Error(`cannot add controller ${options.name} after the manager started`);
    const controller = new Controller({ ...options, logger: options.logger ?? this.logger, metrics: this.metrics });
    this.#controllers.push(controller);
    return controller;
  }

  addRunnable(runnable: Runnable): void {
    if (this.#state !== 'new') throw new Error(`cannot add runnable ${runnable.name} after the manager started`);
    this.#runnables.push(runnable);
  }

  get isLeader(): boolean {
    return !this.#options.leaderElection?.enabled || (this.#elector?.isLeader ?? false);
  }

  get metricsUrl(): string | undefined {
    return this.#metricsUrl;
  }

  get healthUrl(): string | undefined {
    return this.#healthUrl;
  }

  /**
   * Start the servers and the runnables every replica runs, then wait for leadership (if enabled)
   * and start the controllers. Resolves once the controllers run, or once stopped while waiting.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error(`manager ${this.name} was already started`);
    this.#state = 'starting';
    // Nothing else may hold the event loop (timers here are unref'd); the manager does until stopped.
    this.#keepAlive = setInterval(() => {}, 1 << 30);
    await this.#startServers();
    for (const runnable of this.#runnables.filter((r) => !r.needsLeaderElection)) this.#startRunnable(runnable);
    this.#state = 'running';

    const leaderElection = this.#options.leaderElection;
    if (leaderElection?.enabled) {
      if (!this.#options.kubeConfig) throw new Error('leader election needs a kubeConfig');
      this.#elector = new LeaderElector({
        kubeConfig: this.#options.kubeConfig,
        leaseName: leaderElection.leaseName ?? `${this.name}-leader-election`,
        leaseNamespace: leaderElection.leaseNamespace ?? runtimeNamespace(),
        ...(leaderElection.identity ? { identity: leaderElection.identity } : {}),
        leaseDurationMs: leaderElection.leaseDurationMs,
        renewDeadlineMs: leaderElection.renewDeadlineMs,
        retryPeriodMs: leaderElection.retryPeriodMs,
        logger: this.logger,
        metrics: this.metrics,
      });
      const leading = await this.#elector.acquire(this.#stop.signal);
      if (!leading) return;
      void this.#elector.lost.then((error) => this.#onLeadershipLost(error));
    }
    if (this.#stop.signal.aborted) return;
    for (const runnable of this.#runnables.filter((r) => r.needsLeaderElection)) this.#startRunnable(runnable);
    for (const controller of this.#controllers) controller.start();
  }

  /** Resolves with why the manager stopped, once it has. */
  get done(): Promise<StopReason> {
    return this.#done;
  }

  /**
   * Stop taking work, let in-flight reconciles finish within the grace period, release the Lease
   * so the next replica takes over at once, then close the servers.
   */
  async stop(reason: StopReason = 'requested'): Promise<void> {
    if (this.#state === 'stopping' || this.#state === 'stopped') return;
    this.#state = 'stopping';
    this.logger.info({ reason }, 'Stopping and waiting for reconciles to finish');
    this.#stop.abort();
    const graceMs = this.#options.gracefulShutdownMs ?? defaultGracefulShutdownMs;
    const drained = await Promise.all(this.#controllers.map((controller) => controller.stop(graceMs)));
    if (drained.includes(false))
      this.logger.warn({ graceMs }, 'Some reconciles did not finish within the grace period');
    await Promise.allSettled(this.#runnablesDone);
    await this.#elector?.release();
    await Promise.allSettled(this.#servers.map((server) => server.close()));
    clearInterval(this.#keepAlive);
    this.#state = 'stopped';
    this.logger.info('Stopped');
    this.#resolveDone(reason);
  }

  /**
   * Start, and stop gracefully on SIGTERM or SIGINT (a second signal exits at once). A promise rejection
   * nobody awaited is logged rather than ending the process.
   * Resolves with the exit code: 0 after a graceful stop, 1 when leadership was lost.
   */
  async run(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<number> {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        this.logger.warn({ signal }, 'Second signal, exiting without waiting');
        process.exit(1);
      }
      signalled = true;
      this.logger.info({ signal }, 'Received signal, shutting down');
      void this.stop('signal');
    };
    // Node's default for a rejection nobody awaited is to exit; one stray promise must not stop every reconcile.
    const onUnhandledRejection = (reason: unknown): void => {
      this.logger.error({ err: reason }, 'Unhandled promise rejection, the process keeps running');
    };
    for (const signal of signals) process.on(signal, onSignal);
    process.on('unhandledRejection', onUnhandledRejection);
    try {
      await this.start();
      const reason = await this.done;
      return reason === 'leader-election-lost' ? 1 : 0;
    } finally {
      for (const signal of signals) process.off(signal, onSignal);
      process.off('unhandledRejection', onUnhandledRejection);
    }
  }

  async #startServers(): Promise<void> {
    const metricsAddress = parseListenAddress(this.#options.metricsAddress ?? ':8080', '--metrics-addr');
    if (metricsAddress) {
      const server = await startMetricsServer(metricsAddress, this.metrics);
      this.#servers.push(server);
      this.#metricsUrl = server.url;
      this.logger.info({ url: `${server.url}/metrics` }, 'Serving metrics');
    }
    const healthAddress = parseListenAddress(this.#options.healthAddress ?? ':9440', '--health-addr');
    if (healthAddress) {
      const server = await startHealthServer(healthAddress, this.health);
      this.#servers.push(server);
      this.#healthUrl = server.url;
      this.logger.info({ url: server.url }, 'Serving health probes');
    }
  }

  #startRunnable(runnable: Runnable): void {
    const done = (async () => {
      try {
        await runnable.start(this.#stop.signal);
      } catch (error) {
        this.logger.error({ err: error, runnable: runnable.name }, 'Runnable failed');
      }
    })();
    this.#runnablesDone.push(done);
  }

  #onLeadershipLost(error: LeaderElectionError): void {
    if (this.#state === 'stopping' || this.#state === 'stopped') return;
    // Another replica may already be reconciling: stop at once rather than race it.
    this.logger.error({ err: error }, 'Stopping because leadership was lost');
    void this.stop('leader-election-lost');
  }
}

/** The namespace this process runs in, where its Lease lives. */
export function runtimeNamespace(): string {
  const fromEnv = process.env.RUNTIME_NAMESPACE ?? process.env.POD_NAMESPACE;
  if (fromEnv) return fromEnv;
  try {
    return readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8').trim() || 'default';
  } catch {
    return 'default';
  }
}
