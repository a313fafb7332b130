// Which Flux kinds this cluster serves, found by API discovery (one request per Flux API group), and at which version.
import { isNotFound, type KubeClient } from '@fluxion/runtime/client';
import { FailedError } from './cli-error.ts';
import { canonicalName, fluxKinds, type Controller, type FluxKind } from './flux-kinds.ts';

export interface ServedKind extends FluxKind {
  version: string;
  apiVersion: string;
  namespaced: boolean;
}

interface ApiGroupList {
  groups: Array<{ name: string; versions: Array<{ version: string }>; preferredVersion?: { version: string } }>;
}

interface ApiResourceList {
  resources: Array<{ name: string; kind: string; namespaced: boolean }>;
}

export class InstalledKinds {
  readonly served: ReadonlyMap<string, ServedKind>;
  constructor(served: Map<string, ServedKind>) {
    this.served = served;
  }

  has(kind: FluxKind): boolean {
    return this.served.has(kind.kind);
  }

  /** The served kind, or a FailedError saying the CRD and its controller are not installed. */
  require(kind: FluxKind): ServedKind {
    const served = this.served.get(kind.kind);
    if (!served) throw new FailedError(missingMessage([kind]));
    return served;
  }

  /** Of `kinds`, those served; none at all is an error that names the controllers to install. */
  filter(kinds: readonly FluxKind[]): ServedKind[] {
    const served = kinds
      .map((kind) => this.served.get(kind.kind))
      .filter((kind): kind is ServedKind => kind !== undefined);
    if (served.length === 0) throw new FailedError(missingMessage(kinds));
    return served;
  }

  missingControllers(): Controller[] {
    return [...new Set(fluxKinds.filter((kind) => !this.has(kind)).map((kind) => kind.controller))].filter(
      (controller) => !fluxKinds.some((kind) => kind.controller === controller && this.has(kind)),
    );
  }
}

export function missingMessage(kinds: readonly FluxKind[]): string {
  const crds = kinds.map((kind) => `${kind.plural}.${kind.group}`);
  const controllers = [...new Set(kinds.map((kind) => kind.controller))];
  const components = [...new Set(kinds.map((kind) => kind.component))];
  const what =
    kinds.length === 1
      ? `${kinds[0]?.kind} (${canonicalName(kinds[0] as FluxKind)})`
      : kinds.map((kind) => kind.kind).join(', ');
  return (
    `${what}: the cluster does not serve ${crds.length === 1 ? 'this kind' : 'these kinds'}; ` +
    `CRD ${crds.join(', ')} not installed, so ${controllers.join(' and ')} ${controllers.length === 1 ? 'is' : 'are'} not installed ` +
    `(fluxion install --components ${components.join(',')})`
  );
}

/** The Flux API groups from /apis, then each served version's resource list; a kind takes the preferred version serving it. */
export async function discoverInstalledKinds(transport: KubeClient['transport']): Promise<InstalledKinds> {
  const fluxGroups = new Set(fluxKinds.map((kind) => kind.group));
  const groupList = await transport.requestJson<ApiGroupList>({ method: 'GET', path: '/apis' });
  const groups = groupList.groups.filter((group) => fluxGroups.has(group.name));
  const lists = await Promise.all(
    groups.flatMap((group) => {
      // preferred first, so a kind served in several versions gets the preferred one
      const preferred = group.preferredVersion?.version;
      const versions = [
        ...group.versions.filter((v) => v.version === preferred),
        ...group.versions.filter((v) => v.version !== preferred),
      ];
      return versions.map(async ({ version }, order) => {
        try {
          const list = await transport.requestJson<ApiResourceList>({
            method: 'GET',
            path: `/apis/${group.name}/${version}`,
          });
          return { group: group.name, version, order, list };
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      });
    }),
  );
  const served = new Map<string, ServedKind>();
  for (const entry of lists.filter((item) => item !== undefined).sort((a, b) => a.order - b.order)) {
    for (const resource of entry.list.resources) {
      if (resource.name.includes('/')) continue;
      const kind = fluxKinds.find((candidate) => candidate.kind === resource.kind && candidate.group === entry.group);
      if (!kind || served.has(kind.kind)) continue;
      served.set(kind.kind, {
        ...kind,
        version: entry.version,
        apiVersion: `${entry.group}/${entry.version}`,
        namespaced: resource.namespaced,
      });
    }
  }
  return new InstalledKinds(served);
}
