// What an apply or prune did to each object: created, configured, unchanged, deleted or skipped.
import type { KubernetesObject } from '@kubernetes/client-node';
import { gvkOf } from '../group-version-kind.ts';

export type ChangeSetAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped';

export interface ObjectIdentity {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface ChangeSetEntry {
  object: ObjectIdentity;
  /** `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
  subject: string;
  action: ChangeSetAction;
  /** Why an object was skipped, or how it was configured (e.g. recreated for an immutable field). */
  note?: string;
}

export function identityOf(object: KubernetesObject): ObjectIdentity {
  const gvk = gvkOf(object);
  return { ...gvk, namespace: object.metadata?.namespace ?? '', name: object.metadata?.name ?? '' };
}

export function subjectOf(identity: Pick<ObjectIdentity, 'kind' | 'namespace' | 'name'>): string {
  return identity.namespace
    ? `${identity.kind}/${identity.namespace}/${identity.name}`
    : `${identity.kind}/${identity.name}`;
}

export function changeSetEntry(identity: ObjectIdentity, action: ChangeSetAction, note?: string): ChangeSetEntry {
  return { object: identity, subject: subjectOf(identity), action, ...(note ? { note } : {}) };
}

export class ChangeSet {
  readonly entries: ChangeSetEntry[] = [];

  add(...entries: ChangeSetEntry[]): this {
    this.entries.push(...entries);
    return this;
  }

  /** Entries other than `unchanged` and `skipped`: what a Kubernetes Event or log line should mention. */
  get changes(): ChangeSetEntry[] {
    return this.entries.filter((entry) => entry.action !== 'unchanged' && entry.action !== 'skipped');
  }

  get hasChanges(): boolean {
    return this.changes.length > 0;
  }

  /** `subject -> action`, e.g. for a test or a status summary. */
  toMap(): Record<string, ChangeSetAction> {
    return Object.fromEntries(this.entries.map((entry) => [entry.subject, entry.action]));
  }

  /** One `Kind/namespace/name action` line per entry, as Flux prints them. */
  toString(options: { includeUnchanged?: boolean } = {}): string {
    const entries = options.includeUnchanged ? this.entries : this.changes;
    return entries.map((entry) => `${entry.subject} ${entry.action}`).join('\n');
  }
}
