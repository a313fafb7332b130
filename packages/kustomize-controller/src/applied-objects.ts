// A client that keeps the last copy of each object the API server returned while applying (dry-run or write), so the
// health check starts from what the server said instead of reading every object again.
import type { KubernetesObject } from '@kubernetes/client-node';
import { KubeClient, type ApplyOptions, type ObjectRef, type Subresource } from '@fluxion/runtime';

/** `Kind/namespace/name`: how objects are matched between an apply and a health check (versions may differ). */
export function objectSubjectKey(ref: Pick<ObjectRef, 'kind' | 'name' | 'namespace'>): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

export class AppliedObjectsClient extends KubeClient {
  /** The newest server copy of each object, by `objectSubjectKey`. */
  readonly seen = new Map<string, KubernetesObject>();

  constructor(base: KubeClient) {
    super(base.transport, base.discovery);
  }

  override async apply<T extends KubernetesObject>(object: T, options: ApplyOptions): Promise<T> {
    const returned = await super.apply(object, options);
    if (!options.subresource) this.remember(returned);
    return returned;
  }

  override async get<T extends KubernetesObject = KubernetesObject>(
    ref: ObjectRef,
    options: { subresource?: Subresource } = {},
  ): Promise<T> {
    const returned = await super.get<T>(ref, options);
    if (!options.subresource) this.remember(returned);
    return returned;
  }

  private remember(object: KubernetesObject): void {
    const name = object.metadata?.name;
    if (!object.kind || !name) return;
    this.seen.set(objectSubjectKey({ kind: object.kind, name, namespace: object.metadata?.namespace }), object);
  }
}
