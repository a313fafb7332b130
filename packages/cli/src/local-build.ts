// What a Kustomization would apply, built here: its source (the artifact, a local --path, or a git ref), Flux's build,
// postBuild substitution and the ownership labels, the same steps kustomize-controller takes.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { isNotFound } from '@fluxion/runtime/client';
import {
  buildManifests,
  BuildError,
  mergeVariables,
  substituteVariables,
  SubstitutionError,
  type KObject,
  type OverrideSpec,
} from 'kustomize-ts';
import { parse } from 'yaml';
import { stringFlag, type FlagValue } from './args.ts';
import { CliError, FailedError, UsageError } from './cli-error.ts';
import type { Cluster } from './cluster.ts';
import { findKindByName, type FluxObject } from './flux-kinds.ts';
import { getFluxObject } from './flux-objects.ts';
import type { InstalledKinds } from './installed-kinds.ts';

const exec = promisify(execFile);
const nameLabel = 'kustomize.toolkit.fluxcd.io/name';
const namespaceLabel = 'kustomize.toolkit.fluxcd.io/namespace';

export interface LocalBuild {
  kustomization: FluxObject;
  objects: KObject[];
  /** Where the manifests came from, for messages: the artifact revision, the local path or the git ref. */
  origin: string;
}

/** The Kustomization from --kustomization-file, or from the cluster. */
export async function loadKustomization(
  cluster: Cluster,
  installed: InstalledKinds,
  name: string,
  flags: Record<string, FlagValue>,
): Promise<FluxObject> {
  const file = stringFlag(flags, 'kustomization-file');
  if (file) {
    const object = parse(readFileSync(file, 'utf8')) as FluxObject;
    if (object?.kind !== 'Kustomization')
      throw new UsageError(`${file}: not a Kustomization (kind: ${object?.kind ?? 'none'})`);
    return { ...object, metadata: { ...object.metadata, namespace: object.metadata?.namespace ?? cluster.namespace } };
  }
  return getFluxObject(cluster, installed.require(findKindByName('Kustomization')!), name, cluster.namespace);
}

export async function buildLocally(
  cluster: Cluster,
  installed: InstalledKinds,
  kustomization: FluxObject,
  source: { path?: string | undefined; revision?: string | undefined },
): Promise<LocalBuild> {
  const spec = kustomization.spec ?? {};
  const scratch = mkdtempSync(join(tmpdir(), 'fluxion-build-'));
  try {
    let root: string;
    let path: string | undefined;
    let origin: string;
    if (source.path) {
      root = resolve(source.path);
      path = './';
      origin = root;
    } else if (source.revision) {
      const { url, authHeader } = await gitSourceOf(cluster, installed, kustomization);
      root = join(scratch, 'checkout');
      const commit = await checkoutRef(url, source.revision, root, authHeader);
      path = spec['path'] as string | undefined;
      origin = `${source.revision}@sha1:${commit}`;
    } else {
      const artifact = await artifactOf(cluster, installed, kustomization);
      root = join(scratch, 'artifact');
      await downloadArtifact(artifact.url, artifact.digest, root, scratch);
      path = spec['path'] as string | undefined;
      origin = artifact.revision;
    }
    let objects: KObject[];
    try {
      objects = await buildManifests(root, { path, spec: spec as OverrideSpec, allowRemoteBases: false });
      objects = substituteVariables(objects, await substitutionVariables(cluster, kustomization), { strict: false });
    } catch (error) {
      if (error instanceof BuildError || error instanceof SubstitutionError)
        throw new FailedError(`build failed (${origin}): ${error.message}`);
      throw error;
    }
    const owner = { name: kustomization.metadata?.name ?? '', namespace: kustomization.metadata?.namespace ?? '' };
    return { kustomization, objects: objects.map((object) => withOwnerLabels(object, owner)), origin };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function withOwnerLabels(object: KObject, owner: { name: string; namespace: string }): KObject {
  const metadata = { ...object.metadata };
  return {
    ...object,
    metadata: {
      ...metadata,
      labels: { ...metadata.labels, [nameLabel]: owner.name, [namespaceLabel]: owner.namespace },
    },
  };
}

interface SourceRef {
  kind: string;
  name: string;
  namespace?: string;
}

async function sourceOf(cluster: Cluster, installed: InstalledKinds, kustomization: FluxObject): Promise<FluxObject> {
  const ref = kustomization.spec?.['sourceRef'] as SourceRef | undefined;
  if (!ref?.kind || !ref.name)
    throw new UsageError(`Kustomization ${kustomization.metadata?.name}: spec.sourceRef is not set`);
  const kind = findKindByName(ref.kind);
  if (!kind)
    throw new UsageError(
      `Kustomization ${kustomization.metadata?.name}: spec.sourceRef.kind ${ref.kind} is not a source kind`,
    );
  return getFluxObject(
    cluster,
    installed.require(kind),
    ref.name,
    ref.namespace ?? kustomization.metadata?.namespace ?? cluster.namespace,
  );
}

async function artifactOf(
  cluster: Cluster,
  installed: InstalledKinds,
  kustomization: FluxObject,
): Promise<{ url: string; digest: string; revision: string }> {
  const source = await sourceOf(cluster, installed, kustomization);
  const artifact = source.status?.['artifact'] as { url?: string; digest?: string; revision?: string } | undefined;
  if (!artifact?.url) {
    throw new FailedError(
      `${source.kind} ${source.metadata?.namespace}/${source.metadata?.name} has no artifact yet; build from a local directory with --path`,
    );
  }
  return { url: artifact.url, digest: artifact.digest ?? '', revision: artifact.revision ?? '' };
}

async function downloadArtifact(url: string, digest: string, into: string, scratch: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new CliError(
      `cannot download the artifact from ${url} (${(error as Error).message}); it is served inside the cluster: ` +
        'port-forward source-controller, or build from a local directory with --path',
    );
  }
  if (!response.ok) throw new CliError(`downloading the artifact from ${url}: HTTP ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (digest && digest !== actual)
    throw new CliError(`the artifact from ${url} has digest ${actual}, not the ${digest} its source announced`);
  const tarball = join(scratch, 'artifact.tar.gz');
  writeFileSync(tarball, bytes);
  await exec('mkdir', ['-p', into]);
  await exec('tar', ['-xzf', tarball, '-C', into, '--no-same-owner']);
}

/** The GitRepository's URL, and for HTTP(S) the Authorization its secretRef gives (username/password or bearerToken). */
async function gitSourceOf(
  cluster: Cluster,
  installed: InstalledKinds,
  kustomization: FluxObject,
): Promise<{ url: string; authHeader?: string }> {
  const source = await sourceOf(cluster, installed, kustomization);
  if (source.kind !== 'GitRepository')
    throw new UsageError(`--revision needs a GitRepository source; this Kustomization uses a ${source.kind}`);
  const url = source.spec?.['url'];
  if (typeof url !== 'string') throw new FailedError(`GitRepository ${source.metadata?.name} has no spec.url`);
  const secretName = (source.spec?.['secretRef'] as { name?: string } | undefined)?.name;
  if (!secretName || !/^https?:/.test(url)) return { url };
  const namespace = source.metadata?.namespace ?? cluster.namespace;
  let data: Record<string, string>;
  try {
    data =
      (
        await cluster.client.get<{ metadata: object; data?: Record<string, string> }>({
          apiVersion: 'v1',
          kind: 'Secret',
          name: secretName,
          namespace,
        })
      ).data ?? {};
  } catch (error) {
    if (isNotFound(error))
      throw new FailedError(
        `GitRepository ${namespace}/${source.metadata?.name}: spec.secretRef names Secret ${secretName}, which does not exist`,
      );
    throw error;
  }
  const text = (key: string): string | undefined =>
    data[key] === undefined ? undefined : Buffer.from(data[key], 'base64').toString('utf8');
  const token = text('bearerToken');
  if (token) return { url, authHeader: `Authorization: Bearer ${token}` };
  const username = text('username');
  const password = text('password');
  if (username !== undefined || password !== undefined) {
    return {
      url,
      authHeader: `Authorization: Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`,
    };
  }
  return { url };
}

/** Fetches one ref (branch, tag or commit) of `url` into `dir`; returns the commit. */
async function checkoutRef(url: string, ref: string, dir: string, authHeader?: string): Promise<string> {
  // the header goes through the environment, not the command line, so no other user sees the credentials in ps
  const auth = authHeader
    ? { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: authHeader }
    : {};
  const git = (...args: string[]) =>
    exec('git', args, { cwd: dir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...auth } });
  await exec('mkdir', ['-p', dir]);
  try {
    await git('init', '-q');
    await git('fetch', '-q', '--depth', '1', url, ref);
    await git('checkout', '-q', 'FETCH_HEAD');
    return (await git('rev-parse', 'HEAD')).stdout.trim();
  } catch (error) {
    const detail = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').pop();
    throw new FailedError(`cannot fetch ${ref} from ${url}: ${detail}`);
  }
}

/** postBuild.substituteFrom (ConfigMaps, Secrets, in order) then postBuild.substitute, as the controller reads them. */
async function substitutionVariables(cluster: Cluster, kustomization: FluxObject): Promise<Map<string, string>> {
  const postBuild = kustomization.spec?.['postBuild'] as
    | {
        substitute?: Record<string, string>;
        substituteFrom?: Array<{ kind: string; name: string; optional?: boolean }>;
      }
    | undefined;
  const namespace = kustomization.metadata?.namespace ?? cluster.namespace;
  const sources: Array<Record<string, string>> = [];
  for (const reference of postBuild?.substituteFrom ?? []) {
    try {
      const object = await cluster.client.get<{ metadata: object; data?: Record<string, string> }>({
        apiVersion: 'v1',
        kind: reference.kind,
        name: reference.name,
        namespace,
      });
      const data = object.data ?? {};
      sources.push(
        reference.kind === 'Secret'
          ? Object.fromEntries(
              Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
            )
          : data,
      );
    } catch (error) {
      if (isNotFound(error) && reference.optional) continue;
      if (isNotFound(error))
        throw new FailedError(`postBuild.substituteFrom: ${reference.kind} ${namespace}/${reference.name} not found`);
      throw error;
    }
  }
  sources.push(postBuild?.substitute ?? {});
  return mergeVariables(...sources);
}
