// Where the delivery watermark lives between restarts: a ConfigMap in the controller's namespace (Kubernetes is the
// only state store).
import type { KubeClient, Logger } from '@fluxion/runtime';
import { isNotFound } from '@fluxion/runtime';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { Checkpoint } from './delivery-watermark.ts';

const dataKey = 'checkpoint.json';

export class EventCheckpointStore {
  readonly #client: KubeClient;
  readonly #namespace: string;
  readonly #name: string;

  constructor(client: KubeClient, namespace: string, name: string) {
    this.#client = client;
    this.#namespace = namespace;
    this.#name = name;
  }

  get where(): string {
    return `ConfigMap ${this.#namespace}/${this.#name}`;
  }

  async load(): Promise<Checkpoint | undefined> {
    try {
      const configMap = await this.#client.get<V1ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: this.#namespace, name: this.#name });
      const parsed = JSON.parse(configMap.data?.[dataKey] ?? 'null') as Checkpoint | null;
      if (!parsed || typeof parsed.watermark !== 'number' || !Array.isArray(parsed.sent)) return undefined;
      return parsed;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async save(checkpoint: Checkpoint, logger: Logger): Promise<void> {
    try {
      await this.#client.apply<V1ConfigMap>(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: this.#name, namespace: this.#namespace, labels: { 'app.kubernetes.io/part-of': 'fluxion' } },
          data: { [dataKey]: JSON.stringify(checkpoint) },
        },
        { fieldManager: 'notification-controller', force: true },
      );
    } catch (error) {
      logger.warn({ err: error, checkpoint: this.where }, 'Could not save the event checkpoint');
    }
  }
}
