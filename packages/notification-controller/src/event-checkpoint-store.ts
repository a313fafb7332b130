// What the controller keeps between restarts (the delivery watermark, the failures it told): keys of one ConfigMap in
// its namespace, Kubernetes being the only state store. Each key is applied by its own field manager, so writing one
// never removes the other.
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
    const parsed = (await this.loadKey(dataKey)) as Checkpoint | undefined;
    if (!parsed || typeof parsed.watermark !== 'number' || !Array.isArray(parsed.sent)) return undefined;
    return parsed;
  }

  save(checkpoint: Checkpoint, logger: Logger): Promise<void> {
    return this.saveKey(dataKey, checkpoint, logger);
  }

  /** The JSON value stored under `key`, or undefined. */
  async loadKey(key: string): Promise<unknown> {
    try {
      const configMap = await this.#client.get<V1ConfigMap>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: this.#namespace,
        name: this.#name,
      });
      const text = configMap.data?.[key];
      return text ? (JSON.parse(text) as unknown) : undefined;
    } catch (error) {
      if (isNotFound(error) || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  async saveKey(key: string, value: unknown, logger: Logger): Promise<void> {
    try {
      await this.#client.apply<V1ConfigMap>(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: this.#name,
            namespace: this.#namespace,
            labels: { 'app.kubernetes.io/part-of': 'fluxion' },
          },
          data: { [key]: JSON.stringify(value) },
        },
        { fieldManager: `notification-controller-${key.replace(/\.json$/, '')}`, force: true },
      );
    } catch (error) {
      logger.warn({ err: error, checkpoint: this.where, key }, 'Could not save the controller state');
    }
  }
}
