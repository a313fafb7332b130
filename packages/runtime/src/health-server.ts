// `/healthz` and `/readyz` with named checks that can be registered, answered as kube-apiserver does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttp, type ListenAddress, type RunningHttpServer } from './http-listener.ts';

/** A check passes by returning and fails by throwing; its error message is shown in the probe's body. */
export type HealthCheck = () => void | Promise<void>;

export interface CheckOutcome {
  name: string;
  ok: boolean;
  message?: string;
}

/** A check that has not answered within this long counts as failed, so a probe never hangs. */
export const defaultCheckTimeoutMs = 5_000;

export class HealthChecks {
  readonly #liveness = new Map<string, HealthCheck>([['ping', () => {}]]);
  readonly #readiness = new Map<string, HealthCheck>([['ping', () => {}]]);
  readonly #timeoutMs: number;

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? defaultCheckTimeoutMs;
  }

  /** Failing liveness makes the kubelet restart the container: only for a process that cannot recover. */
  addLivenessCheck(name: string, check: HealthCheck): void {
    addUnique(this.#liveness, name, check);
  }

  /** Failing readiness takes the pod out of Service endpoints, e.g. while the API server is unreachable. */
  addReadinessCheck(name: string, check: HealthCheck): void {
    addUnique(this.#readiness, name, check);
  }

  removeReadinessCheck(name: string): void {
    this.#readiness.delete(name);
  }

  runLiveness(): Promise<CheckOutcome[]> {
    return this.#run(this.#liveness);
  }

  runReadiness(): Promise<CheckOutcome[]> {
    return this.#run(this.#readiness);
  }

  async #run(checks: Map<string, HealthCheck>): Promise<CheckOutcome[]> {
    return Promise.all(
      [...checks].map(async ([name, check]): Promise<CheckOutcome> => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs}ms`)), this.#timeoutMs);
        });
        try {
          await Promise.race([Promise.resolve().then(check), timeout]);
          return { name, ok: true };
        } catch (error) {
          return { name, ok: false, message: error instanceof Error ? error.message : String(error) };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }
}

function addUnique(checks: Map<string, HealthCheck>, name: string, check: HealthCheck): void {
  if (checks.has(name)) throw new Error(`health check "${name}" is registered twice`);
  checks.set(name, check);
}

/** Serve `/healthz` and `/readyz` (and `/livez`, as kube does) on `--health-addr`. */
export function startHealthServer(address: ListenAddress, checks: HealthChecks): Promise<RunningHttpServer> {
  return listenHttp(address, (request, response) => {
    void answerProbe(request, response, checks);
  });
}

async function answerProbe(request: IncomingMessage, response: ServerResponse, checks: HealthChecks): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://probe');
  const probe = url.pathname.replace(/^\//, '');
  let outcomes: CheckOutcome[];
  if (probe === 'healthz' || probe === 'livez') outcomes = await checks.runLiveness();
  else if (probe === 'readyz') outcomes = await checks.runReadiness();
  else {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
    return;
  }
  const healthy = outcomes.every((outcome) => outcome.ok);
  const verbose = url.searchParams.has('verbose') || !healthy;
  let body = healthy ? 'ok' : '';
  if (verbose) {
    const lines = outcomes.map((outcome) =>
      outcome.ok ? `[+]${outcome.name} ok` : `[-]${outcome.name} failed: ${outcome.message ?? 'failed'}`,
    );
    lines.push(healthy ? `${probe} check passed` : `${probe} check failed`);
    body = lines.join('\n');
  }
  response.writeHead(healthy ? 200 : 500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${body}\n`);
}
