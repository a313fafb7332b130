// Credentials from a kubeconfig `exec` plugin (an ExecCredential on stdout), cached until they expire.
import { spawn } from 'node:child_process';
import { KubeConfigError } from './kube-config-error.ts';
import type { CredentialSource, Credentials } from './rest-config.ts';

export const supportedExecApiVersions = [
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
] as const;

export interface ExecPluginConfig {
  apiVersion: string;
  /** Already resolved against the kubeconfig's directory when it is a relative path. */
  command: string;
  args: readonly string[];
  env: readonly { name: string; value: string }[];
  installHint?: string | undefined;
  interactiveMode?: string | undefined;
}

/** `spec.cluster` for plugins with `provideClusterInfo: true`, in the kubeconfig's own field names. */
export interface ExecClusterInfo {
  server: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: boolean;
  /** Base64, as []byte fields travel in JSON. */
  'certificate-authority-data'?: string;
  config?: unknown;
}

export interface ExecCredentialSourceOptions {
  /** e.g. `users[name="a"].user.exec in /home/me/.kube/config`, for errors. */
  field: string;
  cluster?: ExecClusterInfo | undefined;
  /** How long the plugin may run (it may be fetching a token over the network). */
  timeoutMs?: number;
}

interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

export class ExecCredentialSource implements CredentialSource {
  readonly #plugin: ExecPluginConfig;
  readonly #options: ExecCredentialSourceOptions;
  #cached: { credentials: Credentials; expiresAt: number } | undefined;
  #running: Promise<Credentials> | undefined;

  constructor(plugin: ExecPluginConfig, options: ExecCredentialSourceOptions) {
    if (!(supportedExecApiVersions as readonly string[]).includes(plugin.apiVersion)) {
      throw new KubeConfigError(
        `${options.field}.apiVersion: "${plugin.apiVersion}" is not supported; use one of ${supportedExecApiVersions.join(', ')}`,
      );
    }
    if (plugin.interactiveMode === 'Always') {
      throw new KubeConfigError(
        `${options.field}.interactiveMode: Always needs a terminal, and a controller has none; use a plugin that runs non-interactively`,
      );
    }
    this.#plugin = plugin;
    this.#options = options;
  }

  current(): Credentials | Promise<Credentials> {
    if (this.#cached && Date.now() < this.#cached.expiresAt) return this.#cached.credentials;
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(): Promise<Credentials> {
    const execInfo = {
      apiVersion: this.#plugin.apiVersion,
      kind: 'ExecCredential',
      spec: { interactive: false, ...(this.#options.cluster ? { cluster: this.#options.cluster } : {}) },
    };
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const { name, value } of this.#plugin.env) env[name] = value;
    env['KUBERNETES_EXEC_INFO'] = JSON.stringify(execInfo);
    const stdout = await this.#spawn(env);
    const status = this.#parse(stdout);
    const credentials = this.#credentialsOf(status);
    const expiresAt = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : Number.POSITIVE_INFINITY;
    if (Number.isNaN(expiresAt))
      throw this.#error(`status.expirationTimestamp "${status.expirationTimestamp}" is not an RFC 3339 time`);
    this.#cached = { credentials, expiresAt };
    return credentials;
  }

  #spawn(env: NodeJS.ProcessEnv): Promise<string> {
    const { command, args } = this.#plugin;
    return new Promise((resolve, reject) => {
      const child = spawn(command, [...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: this.#options.timeoutMs ?? 60_000,
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error: NodeJS.ErrnoException) => {
        const hint = error.code === 'ENOENT' && this.#plugin.installHint ? `; ${this.#plugin.installHint.trim()}` : '';
        reject(this.#error(`cannot run "${command}": ${error.message}${hint}`));
      });
      child.on('close', (code, signal) => {
        if (code === 0) return resolve(Buffer.concat(stdout).toString('utf8'));
        const output = Buffer.concat(stderr).toString('utf8').trim().slice(0, 500);
        reject(
          this.#error(
            `"${command}" ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${output ? `: ${output}` : ''}`,
          ),
        );
      });
    });
  }

  #parse(stdout: string): ExecCredentialStatus {
    let parsed: unknown;
    try {
      parsed = JSON.parse(stdout);
    } catch {
      throw this.#error(
        `"${this.#plugin.command}" did not print an ExecCredential as JSON: ${stdout.trim().slice(0, 200)}`,
      );
    }
    const credential = parsed as { apiVersion?: unknown; kind?: unknown; status?: ExecCredentialStatus };
    if (credential.kind !== 'ExecCredential' || credential.apiVersion !== this.#plugin.apiVersion) {
      throw this.#error(
        `"${this.#plugin.command}" printed ${String(credential.apiVersion)} ${String(credential.kind)}, expected ${this.#plugin.apiVersion} ExecCredential`,
      );
    }
    return credential.status ?? {};
  }

  #credentialsOf(status: ExecCredentialStatus): Credentials {
    if (status.clientCertificateData && status.clientKeyData) {
      return {
        cert: status.clientCertificateData,
        key: status.clientKeyData,
        ...(status.token ? { headers: { Authorization: `Bearer ${status.token}` } } : {}),
      };
    }
    if (status.clientCertificateData || status.clientKeyData)
      throw this.#error(
        'status has only one of clientCertificateData and clientKeyData; a client certificate needs both',
      );
    if (status.token) return { headers: { Authorization: `Bearer ${status.token}` } };
    throw this.#error('status has neither a token nor clientCertificateData and clientKeyData');
  }

  #error(message: string): KubeConfigError {
    return new KubeConfigError(`${this.#options.field}: ${message}`);
  }
}
