// A Notifier per Provider, built from its spec and Secrets and reused; rebuilt when the Provider changes or after a
// short time (a rotated Secret is picked up), and closed when it is replaced.
import type { Provider } from '@fluxion/api';
import { notifierFor } from './providers/notifier-factory.ts';
import type { Notifier } from './providers/notifier.ts';
import { ProviderConfigError, providerSettings, type SecretReader } from './providers/provider-settings.ts';

interface Entry {
  resourceVersion: string;
  builtAt: number;
  notifier: Promise<Notifier | ProviderConfigError>;
}

export class ProviderNotifiers {
  readonly #readSecret: SecretReader;
  readonly #maxAgeMs: number;
  readonly #entries = new Map<string, Entry>();

  constructor(readSecret: SecretReader, options: { maxAgeMs?: number } = {}) {
    this.#readSecret = readSecret;
    this.#maxAgeMs = options.maxAgeMs ?? 30_000;
  }

  get(provider: Provider): Promise<Notifier | ProviderConfigError> {
    const key = `${provider.metadata?.namespace}/${provider.metadata?.name}`;
    const resourceVersion = provider.metadata?.resourceVersion ?? '';
    const entry = this.#entries.get(key);
    if (entry && entry.resourceVersion === resourceVersion && Date.now() - entry.builtAt < this.#maxAgeMs)
      return entry.notifier;
    if (entry) void this.#close(entry);
    const notifier = providerSettings(provider, this.#readSecret)
      .then((settings) => (settings instanceof ProviderConfigError ? settings : notifierFor(settings)))
      .catch(
        (error: unknown) =>
          new ProviderConfigError(
            `reading its Secrets failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
      );
    this.#entries.set(key, { resourceVersion, builtAt: Date.now(), notifier });
    return notifier;
  }

  /** The Provider was deleted. */
  async drop(namespace: string, name: string): Promise<void> {
    const key = `${namespace}/${name}`;
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    if (entry) await this.#close(entry);
  }

  async closeAll(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((entry) => this.#close(entry)));
  }

  async #close(entry: Entry): Promise<void> {
    const notifier = await entry.notifier;
    if (!(notifier instanceof ProviderConfigError)) await notifier.close?.().catch(() => undefined);
  }
}
