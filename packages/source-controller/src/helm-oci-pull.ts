// Pulls a chart from an OCI HelmRepository (`oci://host/path`, chart `host/path/<chart>`) with the runtime's
// registry client: the highest tag in spec.version's range (Helm writes `+` as `_` in tags), the manifest's chart
// layer checked by digest, credentials from a dockerconfigjson or username/password Secret.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HelmRepository } from '@fluxion/api';
import {
  credentialsFor,
  type ImageManifest,
  type KubeClient,
  parseDockerConfigJson,
  RegistryClient,
  type RegistryClientOptions,
  RegistryError,
} from '@fluxion/runtime';
import { readSecret, SecretError } from '@fluxion/runtime';
import { defaultHelmTimeoutMs, duration } from './helmrepository-spec.ts';
import { compareSemVer, parseSemVer, parseSemVerRange, satisfies, SemVerRangeError } from '@fluxion/runtime';
import { SourceError } from './source-error.ts';

export const helmChartLayerMediaType = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
export const helmConfigMediaType = 'application/vnd.cncf.helm.config.v1+json';

export interface OciChartReference {
  registry: string;
  repository: string;
}

/** `oci://host/path` and a chart name → the registry host and the repository of the chart. */
export function ociChartReference(url: string, chart: string): OciChartReference {
  const rest = url.replace(/^oci:\/\//, '').replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  const registry = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash + 1);
  return { registry, repository: path ? `${path}/${chart}` : chart };
}

/** The tag to pull: the exact version when spec.version is one, else the highest tag in the range. */
export function selectChartTag(
  tags: readonly string[],
  range: string,
  where: string,
): { tag: string; version: string } {
  const wanted = range.trim() || '*';
  if (parseSemVer(wanted) && !/[*xX^~<>=| ,]/.test(wanted))
    return { tag: wanted.replaceAll('+', '_'), version: wanted };
  let parsed;
  try {
    parsed = parseSemVerRange(wanted);
  } catch (error) {
    if (error instanceof SemVerRangeError)
      throw new SourceError('InvalidChartReference', `spec.version: ${error.message}`, { stalled: true });
    throw error;
  }
  let best: { tag: string; version: string; parsed: NonNullable<ReturnType<typeof parseSemVer>> } | undefined;
  for (const tag of tags) {
    const version = tag.replaceAll('_', '+');
    const semver = parseSemVer(version);
    if (!semver || !satisfies(semver, parsed)) continue;
    if (!best || compareSemVer(semver, best.parsed) > 0) best = { tag, version, parsed: semver };
  }
  if (!best)
    throw new SourceError(
      'InvalidChartReference',
      `invalid chart reference: no tag of ${where} matches '${wanted}' (tags: ${tags.slice(-5).join(', ') || 'none'})`,
    );
  return { tag: best.tag, version: best.version };
}

export async function ociRegistryOptions(
  client: KubeClient,
  repository: HelmRepository,
  registry: string,
): Promise<RegistryClientOptions> {
  const namespace = repository.metadata?.namespace ?? '';
  const spec = repository.spec!;
  const options: RegistryClientOptions = {
    registry,
    insecure: spec.insecure ?? false,
    timeoutMs: spec.timeout ? duration(spec.timeout, 'spec.timeout') : defaultHelmTimeoutMs,
    userAgent: 'fluxion-source-controller',
  };
  try {
    if (spec.secretRef?.name) {
      const name = `${namespace}/${spec.secretRef.name}`;
      const data = await readSecret(client, namespace, spec.secretRef.name, 'spec.secretRef');
      const dockerConfig = data.get('.dockerconfigjson');
      const username = data.get('username');
      const password = data.get('password');
      if (dockerConfig !== undefined) {
        const credentials = credentialsFor(
          parseDockerConfigJson(dockerConfig, `secret '${name}' (spec.secretRef)`),
          registry,
        );
        if (credentials) options.credentials = credentials;
      } else if (username && password) {
        options.credentials = { username, password };
      } else {
        throw new SourceError(
          'AuthenticationFailed',
          `invalid secret '${name}' (spec.secretRef): neither .dockerconfigjson nor username and password`,
        );
      }
    }
    if (spec.certSecretRef?.name) {
      const data = await readSecret(client, namespace, spec.certSecretRef.name, 'spec.certSecretRef');
      const ca = data.get('ca.crt');
      const cert = data.get('tls.crt');
      const key = data.get('tls.key');
      options.tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
    }
  } catch (error) {
    if (error instanceof SecretError || error instanceof RegistryError)
      throw new SourceError('AuthenticationFailed', error.message);
    throw error;
  }
  return options;
}

export interface OciPullOptions {
  client: KubeClient;
  repository: HelmRepository;
  chart: string;
  range: string;
  /** Where the chart is written (made on demand: an up-to-date chart needs none). */
  directory: () => Promise<string>;
  maxBytes: number;
  /** Skips the download when the resolved version is already stored. */
  upToDate: (version: string) => Promise<boolean>;
}

export type OciPullResult = { version: string; file: string } | { version: string; file?: undefined };

export async function pullOciChart(options: OciPullOptions): Promise<OciPullResult> {
  const url = options.repository.spec?.url ?? '';
  const reference = ociChartReference(url, options.chart);
  const where = `'oci://${reference.registry}/${reference.repository}'`;
  const registry = new RegistryClient(await ociRegistryOptions(options.client, options.repository, reference.registry));
  try {
    const tags =
      parseSemVer(options.range) && !/[*xX^~<>=| ,]/.test(options.range)
        ? []
        : await registry.listTags(reference.repository);
    const { tag, version } = selectChartTag(tags, options.range, where);
    if (await options.upToDate(version)) return { version };
    const { manifest } = await registry.getManifest(reference.repository, tag);
    const layer =
      'layers' in manifest
        ? (manifest as ImageManifest).layers.find((candidate) => candidate.mediaType === helmChartLayerMediaType)
        : undefined;
    if (!layer) {
      throw new SourceError(
        'ChartPullError',
        `chart pull error: ${where}:${tag} is not a Helm chart (no layer of media type ${helmChartLayerMediaType})`,
      );
    }
    const content = await registry.readBlob(reference.repository, layer.digest, { maxSize: options.maxBytes });
    const file = join(await options.directory(), `${options.chart}-${version}.tgz`);
    await writeFile(file, content);
    return { version, file };
  } catch (error) {
    if (error instanceof RegistryError) {
      const reason = error.status === 401 || error.status === 403 ? 'AuthenticationFailed' : 'ChartPullError';
      throw new SourceError(reason, `chart pull error: ${where}: ${error.message}`);
    }
    throw error;
  } finally {
    registry.close();
  }
}
