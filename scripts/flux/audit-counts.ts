// API requests counted by the API server itself, the same way for both controllers: its audit log, one event per
// request (a watch when its response starts, anything else when it completes), attributed by user agent.
import { closeSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';

/** The policy: every request at Metadata level, no RequestReceived stage (one event per request is enough). */
export function writeAuditPolicy(path: string): void {
  writeFileSync(
    path,
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ["RequestReceived"]\nrules:\n- level: Metadata\n',
  );
}

/** The API server flags that write the log. */
export const auditFlags = (policyPath: string, logPath: string): string[] => [
  `--audit-policy-file=${policyPath}`,
  `--audit-log-path=${logPath}`,
  '--audit-log-format=json',
  '--audit-log-maxsize=0',
];

interface AuditEvent {
  stage?: string;
  verb?: string;
  userAgent?: string;
  requestURI?: string;
  objectRef?: { resource?: string; subresource?: string };
}

/** The clients that are not the controller under test: the control plane's own components and the benchmark. */
const NOT_THE_CONTROLLER = /^(kube-apiserver|kube-controller-manager|kube-scheduler|kwok|fluxion-bench)/;

export const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Reads the audit log from where the previous read stopped. */
export class AuditCounts {
  readonly #path: string;
  #offset = 0;
  #partial = '';

  constructor(path: string) {
    this.#path = path;
  }

  /** Skips what is in the log so far. */
  mark(): void {
    this.#offset = statSync(this.#path, { throwIfNoEntry: false })?.size ?? 0;
    this.#partial = '';
  }

  /**
   * The controller's requests since the last mark or read, by `verb resource[/subresource]`, and its user agents.
   * `alsoNot` leaves out another controller that runs beside the measured one (source-controller serving helm's charts).
   */
  sinceLast(alsoNot?: RegExp): { byKind: Map<string, number>; userAgents: Set<string> } {
    const size = statSync(this.#path, { throwIfNoEntry: false })?.size ?? 0;
    const buffer = Buffer.alloc(Math.max(0, size - this.#offset));
    if (buffer.length > 0) {
      const fd = openSync(this.#path, 'r');
      try {
        readSync(fd, buffer, 0, buffer.length, this.#offset);
      } finally {
        closeSync(fd);
      }
    }
    this.#offset = size;
    const lines = (this.#partial + buffer.toString('utf8')).split('\n');
    this.#partial = lines.pop() ?? '';
    const byKind = new Map<string, number>();
    const userAgents = new Set<string>();
    for (const line of lines) {
      if (!line) continue;
      const event = JSON.parse(line) as AuditEvent;
      const agent = event.userAgent ?? '';
      if (NOT_THE_CONTROLLER.test(agent) || alsoNot?.test(agent)) continue;
      const counted = event.verb === 'watch' ? event.stage === 'ResponseStarted' : event.stage === 'ResponseComplete';
      if (!counted) continue;
      userAgents.add(agent);
      const resource = `${event.objectRef?.resource ?? (event.requestURI ?? '?').split('?')[0]}${event.objectRef?.subresource ? `/${event.objectRef.subresource}` : ''}`;
      // a server-side dry run is a read for the cluster's state: counted apart from the writes
      const verb = /[?&]dryRun=/.test(event.requestURI ?? '') ? `${event.verb}(dry-run)` : event.verb;
      const key = `${verb} ${resource}`;
      byKind.set(key, (byKind.get(key) ?? 0) + 1);
    }
    return { byKind, userAgents };
  }
}

export function total(counts: Map<string, number>, only?: (verb: string) => boolean): number {
  let sum = 0;
  for (const [key, value] of counts) if (!only || only(key.split(' ')[0] ?? '')) sum += value;
  return sum;
}

/** `12.3 (get kustomizations 2.00, patch kustomizations/status 1.00, ...)`, per object. */
export function describePerObject(counts: Map<string, number>, objects: number, top = 6): string {
  const entries = [...counts].sort((a, b) => b[1] - a[1]).slice(0, top);
  return `${(total(counts) / objects).toFixed(2)} (${entries.map(([key, value]) => `${key} ${(value / objects).toFixed(2)}`).join(', ')})`;
}
