// Leader election on a coordination.k8s.io/v1 Lease, with the semantics of Kubernetes' own controllers.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Lease, V1LeaseSpec } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { isApiError } from './api-error.ts';
import type { KubeConfigSource } from './client-node-kube-config.ts';
import { HttpTransport } from './http-transport.ts';
import type { RuntimeMetrics } from './metrics.ts';

export interface LeaderElectionOptions {
  kubeConfig: KubeConfigSource;
  leaseNamespace: string;
  /** e.g. `source-controller-leader-election`. */
  leaseName: string;
  /** Unique per process; `<hostname>_<uuid>` unless told, as controller-runtime does. */
  identity?: string;
  /** `--leader-election-lease-duration`: how long others wait on a lease that is not renewed. */
  leaseDurationMs: number;
  /** `--leader-election-renew-deadline`: how long the leader keeps failing to renew before it steps down. */
  renewDeadlineMs: number;
  /** `--leader-election-retry-period`: the pause between attempts to acquire or renew. */
  retryPeriodMs: number;
  logger: Logger;
  metrics?: RuntimeMetrics;
}

export class LeaderElectionError extends Error {
  readonly reason = 'LeaderElectionLost';
  constructor(message: string) {
    super(message);
    this.name = 'LeaderElectionError';
  }
}

/** A Lease as it travels in JSON: client-node's model types its times as Date objects. */
type Lease = Omit<V1Lease, 'spec'> & {
  spec?: Omit<V1LeaseSpec, 'acquireTime' | 'renewTime'> & { acquireTime?: string; renewTime?: string };
};

/** A Lease record as last seen, and when this process saw it change (remote clocks are not trusted). */
interface ObservedLease {
  fingerprint: string;
  observedAt: number;
  holder: string;
  leaseDurationMs: number;
}

export class LeaderElector {
  readonly identity: string;
  readonly #options: LeaderElectionOptions;
  readonly #leases: LeaseApi;
  readonly #log: Logger;
  readonly #stop = new AbortController();
  readonly #lost: Promise<LeaderElectionError>;
  #resolveLost!: (error: LeaderElectionError) => void;
  #observed: ObservedLease | undefined;
  #leading = false;
  #renewing: Promise<void> | undefined;

  constructor(options: LeaderElectionOptions) {
    if (options.renewDeadlineMs >= options.leaseDurationMs) {
      throw new RangeError(
        `leader election renew deadline (${options.renewDeadlineMs}ms) must be shorter than the lease duration (${options.leaseDurationMs}ms)`,
      );
    }
    this.#options = options;
    this.identity = options.identity ?? `${hostname()}_${randomUUID()}`;
    // Outside the client's rate limiter: a renewal must not queue behind a burst of reconciles.
    this.#leases = new LeaseApi(
      new HttpTransport(options.kubeConfig, {
        userAgent: 'fluxion-leader-election',
        requestTimeoutMs: options.renewDeadlineMs,
      }),
      options.leaseNamespace,
      options.leaseName,
    );
    this.#log = options.logger.child({
      lease: `${options.leaseNamespace}/${options.leaseName}`,
      identity: this.identity,
    });
    this.#lost = new Promise((resolve) => {
      this.#resolveLost = resolve;
    });
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** Resolves if this process stops being the leader without having released the Lease. */
  get lost(): Promise<LeaderElectionError> {
    return this.#lost;
  }

  /**
   * Try every retry period until this process holds the Lease, then keep renewing it in the
   * background. Resolves true once leading, false if `signal` (or `release`) stopped it first.
   */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    const stop = signal ? AbortSignal.any([signal, this.#stop.signal]) : this.#stop.signal;
    this.#log.info('Attempting to acquire leader lease');
    let reportedHolder: string | undefined;
    while (!stop.aborted) {
      if (await this.#tryAcquireOrRenew()) {
        this.#leading = true;
        this.#options.metrics?.leader.set({ lease: this.#options.leaseName }, 1);
        this.#log.info('Successfully acquired lease');
        this.#renewing = this.#renewLoop();
        return true;
      }
      const holder = this.#observed?.holder;
      if (holder && holder !== this.identity && holder !== reportedHolder) {
        reportedHolder = holder;
        this.#log.info({ holder }, 'Leader lease is held by another process, waiting');
      }
      // Spread candidates out a little, as client-go does, so they do not hit the API server together.
      const pause = this.#options.retryPeriodMs * (1 + Math.random() * 0.2);
      await sleep(pause, undefined, { signal: stop, ref: false }).catch(() => undefined);
    }
    return false;
  }

  /**
   * Stop renewing and, when leading, give the Lease up (empty holder) so that a waiting candidate
   * takes over at its next attempt instead of after the lease duration.
   */
  async release(): Promise<void> {
    this.#stop.abort();
    await this.#renewing;
    if (!this.#leading) return;
    this.#leading = false;
    this.#options.metrics?.leader.set({ lease: this.#options.leaseName }, 0);
    try {
      const lease = await this.#withDeadline(this.#leases.read(), this.#options.renewDeadlineMs);
      if (lease.spec?.holderIdentity !== this.identity) return;
      const now = microTime(Date.now());
      await this.#withDeadline(
        this.#leases.replace({
          ...lease,
          spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
        }),
        this.#options.renewDeadlineMs,
      );
      this.#log.info('Released leader lease');
    } catch (error) {
      this.#log.warn({ err: error }, 'Could not release leader lease; the next leader takes over when it expires');
    }
  }

  async #renewLoop(): Promise<void> {
    let lastRenewedAt = Date.now();
    while (!this.#stop.signal.aborted) {
      await sleep(this.#options.retryPeriodMs, undefined, { signal: this.#stop.signal, ref: false }).catch(
        () => undefined,
      );
      if (this.#stop.signal.aborted) return;
      const remainingMs = this.#options.renewDeadlineMs - (Date.now() - lastRenewedAt);
      const renewed = await this.#withDeadline(this.#tryAcquireOrRenew(), Math.max(remainingMs, 1)).catch(() => false);
      if (this.#stop.signal.aborted) return;
      if (renewed) {
        lastRenewedAt = Date.now();
        continue;
      }
      if (Date.now() - lastRenewedAt >= this.#options.renewDeadlineMs) {
        this.#leading = false;
        this.#options.metrics?.leader.set({ lease: this.#options.leaseName }, 0);
        const error = new LeaderElectionError(
          `leader election lost: Lease ${this.#options.leaseNamespace}/${this.#options.leaseName} not renewed within ${this.#options.renewDeadlineMs}ms`,
        );
        this.#log.error({ err: error }, 'Leader election lost');
        this.#resolveLost(error);
        return;
      }
    }
  }

  /** One attempt: create the Lease, renew our own, or take over one that expired or was released. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const { leaseName: name, leaseNamespace: namespace } = this.#options;
    const leaseDurationSeconds = Math.max(1, Math.round(this.#options.leaseDurationMs / 1000));
    const now = microTime(Date.now());
    let lease: Lease;
    try {
      lease = await this.#leases.read();
    } catch (error) {
      if (statusCode(error) !== 404) {
        // Forbidden or unreachable: a person may need to fix RBAC or the network, so say so.
        this.#log.warn({ err: error, code: statusCode(error) }, 'Could not read leader lease');
        return false;
      }
      try {
        const created = await this.#leases.create({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: {
            holderIdentity: this.identity,
            leaseDurationSeconds,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: 0,
          },
        });
        this.#observe(created);
        return true;
      } catch (createError) {
        // 409: another candidate created it first; we will see its record on the next attempt.
        this.#log.debug({ err: createError }, 'Could not create leader lease');
        return false;
      }
    }

    const observed = this.#observe(lease);
    const holder = lease.spec?.holderIdentity ?? '';
    const heldByAnother = holder !== '' && holder !== this.identity;
    if (heldByAnother && observed.observedAt + observed.leaseDurationMs > Date.now()) return false;

    const spec = lease.spec ?? {};
    const renewing = holder === this.identity;
    try {
      // metadata.resourceVersion is kept, so a concurrent writer makes this fail with 409.
      const updated = await this.#leases.replace({
        ...lease,
        spec: {
          ...spec,
          holderIdentity: this.identity,
          leaseDurationSeconds,
          acquireTime: renewing ? (spec.acquireTime ?? now) : now,
          renewTime: now,
          leaseTransitions: renewing ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
        },
      });
      this.#observe(updated);
      if (!renewing) this.#log.info({ previousHolder: holder || undefined }, 'Took over leader lease');
      return true;
    } catch (error) {
      this.#log.debug({ err: error, code: statusCode(error) }, 'Could not update leader lease');
      return false;
    }
  }

  #observe(lease: Lease): ObservedLease {
    const spec = lease.spec ?? {};
    const fingerprint = JSON.stringify([
      spec.holderIdentity,
      String(spec.renewTime ?? ''),
      lease.metadata?.resourceVersion,
    ]);
    if (this.#observed?.fingerprint !== fingerprint) {
      this.#observed = {
        fingerprint,
        observedAt: Date.now(),
        holder: spec.holderIdentity ?? '',
        leaseDurationMs: (spec.leaseDurationSeconds ?? Math.round(this.#options.leaseDurationMs / 1000)) * 1000,
      };
    }
    return this.#observed;
  }

  async #withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the API server within ${ms}ms`)), ms);
    });
    try {
      return await Promise.race([promise, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function statusCode(error: unknown): number | undefined {
  return isApiError(error) ? error.statusCode : undefined;
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits, or the API server rejects it. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The one Lease this elector reads and writes, over the runtime's own HTTP transport. */
class LeaseApi {
  readonly #transport: HttpTransport;
  readonly #collectionPath: string;
  readonly #path: string;

  constructor(transport: HttpTransport, namespace: string, name: string) {
    this.#transport = transport;
    this.#collectionPath = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
    this.#path = `${this.#collectionPath}/${encodeURIComponent(name)}`;
  }

  read(): Promise<Lease> {
    return this.#transport.requestJson<Lease>({ method: 'GET', path: this.#path });
  }

  create(lease: Lease): Promise<Lease> {
    return this.#transport.requestJson<Lease>({ method: 'POST', path: this.#collectionPath, body: lease });
  }

  replace(lease: Lease): Promise<Lease> {
    return this.#transport.requestJson<Lease>({ method: 'PUT', path: this.#path, body: lease });
  }
}
