// A bearer token read from a file and re-read as it rotates (the kubelet renews projected ServiceAccount tokens).
import { readFile } from 'node:fs/promises';
import { KubeConfigError } from './kube-config-error.ts';
import type { CredentialSource, Credentials } from './rest-config.ts';

/** As client-go: a rotated token is picked up within a minute, without a read per request. */
export const tokenFileRereadMs = 60_000;

export class TokenFileSource implements CredentialSource {
  readonly path: string;
  readonly #field: string;
  readonly #rereadMs: number;
  #cached: { credentials: Credentials; readAt: number } | undefined;
  #reading: Promise<Credentials> | undefined;

  /** `field` names where the path came from (e.g. `users[name="a"].user.tokenFile in /kubeconfig`), for errors. */
  constructor(path: string, field: string, options: { rereadMs?: number } = {}) {
    this.path = path;
    this.#field = field;
    this.#rereadMs = options.rereadMs ?? tokenFileRereadMs;
  }

  current(): Credentials | Promise<Credentials> {
    if (this.#cached && Date.now() - this.#cached.readAt < this.#rereadMs) return this.#cached.credentials;
    this.#reading ??= this.#read().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #read(): Promise<Credentials> {
    let token: string;
    try {
      token = (await readFile(this.path, 'utf8')).trim();
    } catch (error) {
      // A token that was readable before keeps working while the kubelet swaps the file.
      if (this.#cached) return this.#cached.credentials;
      throw new KubeConfigError(`${this.#field}: cannot read token file ${this.path}: ${(error as Error).message}`);
    }
    if (!token) throw new KubeConfigError(`${this.#field}: token file ${this.path} is empty`);
    const credentials = { headers: { Authorization: `Bearer ${token}` } };
    this.#cached = { credentials, readAt: Date.now() };
    return credentials;
  }
}
