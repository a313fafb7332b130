// Downloads one chart version named by a Helm index entry: its URL resolved against the repository's, the
// repository's credentials sent only to the repository's own host unless `passCredentials`, the digest checked.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HelmRepository } from '@fluxion/api';
import type { KubeClient } from '@fluxion/runtime';
import { redactUrl } from './fetch-error.ts';
import type { ChartVersionEntry } from './helm-index.ts';
import { resolveHelmRepositoryAccess } from './helm-repository-access.ts';
import { defaultHelmTimeoutMs, duration } from './helmrepository-spec.ts';
import { download } from './http-download.ts';
import { SourceError } from './source-error.ts';

export interface PulledChart {
  file: string;
  url: string;
}

export interface PullOptions {
  client: KubeClient;
  repository: HelmRepository;
  entry: ChartVersionEntry;
  directory: string;
  where: string;
  maxBytes: number;
}

export async function pullChart(options: PullOptions): Promise<PulledChart> {
  const { repository, entry } = options;
  const what = `chart '${entry.name}' version '${entry.version}'`;
  const repositoryUrl = (repository.spec?.url ?? '').replace(/\/+$/, '');
  const first = entry.urls?.[0];
  if (!first)
    throw new SourceError(
      'ChartPullError',
      `chart pull error: ${what} has no download URL in the index of ${options.where}`,
    );
  let url: URL;
  try {
    url = new URL(first, `${repositoryUrl}/`);
  } catch {
    throw new SourceError(
      'ChartPullError',
      `chart pull error: ${what} has an invalid URL '${redactUrl(first)}' in the index of ${options.where}`,
    );
  }
  const access = await resolveHelmRepositoryAccess(
    options.client,
    repository.metadata?.namespace ?? '',
    repository.spec!,
  );
  // Credentials go to another host only when the repository says so (passCredentials), as Helm and Flux do.
  const sameHost = url.host === new URL(repositoryUrl).host;
  const timeoutMs = repository.spec?.timeout ? duration(repository.spec.timeout, 'spec.timeout') : defaultHelmTimeoutMs;
  let body: Buffer;
  try {
    ({ body } = await download(url.toString(), {
      timeoutMs,
      maxBytes: options.maxBytes,
      reason: 'ChartPullError',
      what,
      ...(access.basicAuth && (sameHost || repository.spec?.passCredentials) ? { basicAuth: access.basicAuth } : {}),
      ...(access.tls && sameHost ? { tls: access.tls } : {}),
    }));
  } catch (error) {
    if (error instanceof SourceError) throw new SourceError(error.reason, `chart pull error: ${error.message}`);
    throw error;
  }
  const digest = createHash('sha256').update(body).digest('hex');
  if (typeof entry.digest === 'string' && entry.digest !== '' && entry.digest.replace(/^sha256:/, '') !== digest) {
    throw new SourceError(
      'ChartPullError',
      `chart pull error: ${what} from '${redactUrl(url.toString())}' has digest sha256:${digest}, the index says ${entry.digest}`,
    );
  }
  const file = join(options.directory, `${entry.name}-${entry.version}.tgz`);
  await writeFile(file, body);
  return { file, url: url.toString() };
}
