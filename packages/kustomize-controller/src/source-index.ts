// The sources Kustomizations read artifacts from, as watched caches by kind; a source is only ever read through its status.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Artifact, Kustomization } from '@fluxion/api';
import type { Reflector } from '@fluxion/runtime';

/** Any source kind: what matters is `status.artifact`. */
export interface SourceObject extends KubernetesObject {
  status?: {
    artifact?: Artifact;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  };
}

/** `Kind/namespace/name` of a Kustomization's source; the key of the by-source index. */
export function sourceKeyOf(kustomization: Kustomization): string {
  const reference = kustomization.spec?.sourceRef;
  return `${reference?.kind ?? ''}/${reference?.namespace || kustomization.metadata?.namespace || ''}/${reference?.name ?? ''}`;
}

export function sourceKeyOfObject(source: SourceObject): string {
  return `${source.kind ?? ''}/${source.metadata?.namespace ?? ''}/${source.metadata?.name ?? ''}`;
}

export class SourceIndex {
  readonly reflectors: ReadonlyMap<string, Reflector<SourceObject>>;

  constructor(reflectors: ReadonlyMap<string, Reflector<SourceObject>>) {
    this.reflectors = reflectors;
  }

  supports(kind: string): boolean {
    return this.reflectors.has(kind);
  }

  get(kustomization: Kustomization): SourceObject | undefined {
    const reference = kustomization.spec?.sourceRef;
    if (!reference) return undefined;
    return this.reflectors
      .get(reference.kind)
      ?.get(reference.namespace || kustomization.metadata?.namespace || '', reference.name);
  }

  artifactOf(kustomization: Kustomization): Artifact | undefined {
    return this.get(kustomization)?.status?.artifact;
  }

  async hasSynced(): Promise<void> {
    await Promise.all([...this.reflectors.values()].map((reflector) => reflector.hasSynced()));
  }
}
