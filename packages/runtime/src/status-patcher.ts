// Writes `status` through the status subresource by server-side apply, so only the fields this controller owns change.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from './client.ts';
import { refOf } from './client.ts';

export interface StatusWrite<T extends KubernetesObject> {
  /** False when the API server found nothing to change (the resourceVersion did not move). */
  written: boolean;
  /** The object as the API server returned it after the write. */
  object: T;
  resourceVersion: string;
}

export class StatusPatcher {
  private readonly client: KubeClient;
  private readonly fieldManager: string;

  constructor(client: KubeClient, fieldManager: string) {
    this.client = client;
    this.fieldManager = fieldManager;
  }

  /**
   * `status` is everything this controller means to own in status: fields it set before and leaves out
   * now are removed, fields other managers own are left alone. `object` is the last copy the caller read.
   */
  async patch<T extends KubernetesObject>(object: T, status: object): Promise<StatusWrite<T>> {
    const ref = refOf(object);
    const intent = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
      status,
    };
    // force: status is ours by contract; a stale owner (an older controller version) must not block us
    const updated = await this.client.apply(intent as unknown as T, { fieldManager: this.fieldManager, force: true, subresource: 'status' });
    const resourceVersion = updated.metadata?.resourceVersion ?? '';
    return { written: resourceVersion !== object.metadata?.resourceVersion, object: updated, resourceVersion };
  }
}
