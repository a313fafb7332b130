// Runs one Helm action for a HelmRelease: private temp files (values, post-render spec), helm, then health and tests.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HelmRelease } from '@fluxion/api';
import { WaitCancelledError, waitForCurrent, type KubeClient } from '@fluxion/runtime';
import { stringify } from 'yaml';
import {
  NameLabel,
  NamespaceLabel,
  installArgs,
  releaseNameOf,
  releaseNamespaceOf,
  storageNamespaceOf,
  rollbackArgs,
  testArgs,
  timeoutOf,
  uninstallArgs,
  upgradeArgs,
} from './helm-args.ts';
import type { HelmRunner } from './helm-cli.ts';
import { isJob, waitForJobs } from './job-wait.ts';
import type { PostRenderSpec } from './post-render.ts';
import { releaseObjects, refsOf, type ManifestObject } from './release-objects.ts';
import { latestOf, listReleases, setStoredStatus, storageSecretName, type StoredRelease } from './release-storage.ts';
import type { Values } from './values.ts';

export interface RunContext {
  helm: HelmRunner;
  /** Reads storage and waits, as helm's identity does. */
  client: KubeClient;
  helmArgs: readonly string[];
  signal?: AbortSignal | undefined;
  healthPollIntervalMs?: number | undefined;
}

export class ReleaseActionError extends Error {
  override readonly name = 'ReleaseActionError';
  /** The revision the failed action left in storage, if any. */
  readonly release: StoredRelease | undefined;
  constructor(message: string, release: StoredRelease | undefined) {
    super(message);
    this.release = release;
  }
}

/** Installs or upgrades, then waits for the release's objects unless the spec disables it; returns the new revision. */
export async function installOrUpgrade(
  context: RunContext,
  hr: HelmRelease,
  action: 'install' | 'upgrade',
  chartDir: string,
  values: Values,
): Promise<StoredRelease> {
  const dir = await mkdtemp(join(tmpdir(), 'helmrelease-'));
  try {
    const files = { chartDir, valuesFile: join(dir, 'values.yaml'), postRenderSpecFile: join(dir, 'post-render.json') };
    // values may hold Secret data: a private file, removed after the action
    await writeFile(files.valuesFile, stringify(values), { mode: 0o600 });
    await writeFile(files.postRenderSpecFile, JSON.stringify(postRenderSpecOf(hr)), { mode: 0o600 });
    const args =
      action === 'install' ? installArgs(hr, files) : upgradeArgs(hr, files, (await latest(context, hr))?.apply_method);
    try {
      await context.helm.run(args, { timeoutMs: timeoutOf(hr, action), globalArgs: context.helmArgs });
    } catch (error) {
      throw new ReleaseActionError((error as Error).message, await latest(context, hr));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const release = await latest(context, hr);
  if (!release)
    throw new ReleaseActionError(`helm ${action} reported success but release storage holds no revision`, undefined);
  const disableWait = action === 'install' ? hr.spec?.install?.disableWait : hr.spec?.upgrade?.disableWait;
  const jobs = !(action === 'install' ? hr.spec?.install : hr.spec?.upgrade)?.disableWaitForJobs;
  if (!disableWait) await waitForRelease(context, hr, release, timeoutOf(hr, action), jobs);
  return release;
}

export async function rollback(context: RunContext, hr: HelmRelease, toRevision: number): Promise<StoredRelease> {
  try {
    const releases = await listReleases(context.client, storageNamespaceOf(hr), releaseNameOf(hr));
    const target = releases.find((release) => release.version === toRevision);
    await context.helm.run(rollbackArgs(hr, toRevision, target?.apply_method), {
      timeoutMs: timeoutOf(hr, 'rollback'),
      globalArgs: context.helmArgs,
    });
  } catch (error) {
    throw new ReleaseActionError((error as Error).message, await latest(context, hr));
  }
  const release = await latest(context, hr);
  if (!release)
    throw new ReleaseActionError('helm rollback reported success but release storage holds no revision', undefined);
  const rollbackSpec = hr.spec?.rollback;
  if (!rollbackSpec?.disableWait)
    await waitForRelease(context, hr, release, timeoutOf(hr, 'rollback'), !rollbackSpec?.disableWaitForJobs);
  return release;
}

export async function uninstall(context: RunContext, hr: HelmRelease): Promise<void> {
  await context.helm.run(uninstallArgs(hr), { timeoutMs: timeoutOf(hr, 'uninstall'), globalArgs: context.helmArgs });
}

/** Runs the chart's tests; resolves with the revision as stored after them (its hooks' last runs). */
export async function runTests(context: RunContext, hr: HelmRelease): Promise<StoredRelease | undefined> {
  try {
    await context.helm.run(testArgs(hr), { timeoutMs: timeoutOf(hr, 'test'), globalArgs: context.helmArgs });
  } catch (error) {
    throw new ReleaseActionError((error as Error).message, await latest(context, hr));
  }
  return latest(context, hr);
}

/**
 * Waits (kstatus) for the objects of the release's manifest. A failure marks the stored revision failed, as helm's own
 * --wait would, so `helm history` tells the truth and the next reconcile remediates it.
 */
async function waitForRelease(
  context: RunContext,
  hr: HelmRelease,
  release: StoredRelease,
  timeoutMs: number,
  jobs: boolean,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const objects: ManifestObject[] = await releaseObjects(
    context.client,
    release.manifest ?? '',
    releaseNamespaceOf(hr),
  );
  try {
    await waitForCurrent(context.client, refsOf(objects), {
      timeoutMs,
      failFast: true,
      ...(context.signal ? { signal: context.signal } : {}),
      ...(context.healthPollIntervalMs ? { intervalMs: context.healthPollIntervalMs } : {}),
    });
    // as helm's --wait-for-jobs: a running Job is Current to kstatus, but not done
    const jobRefs = jobs ? refsOf(objects).filter(isJob) : [];
    if (jobRefs.length > 0)
      await waitForJobs(context.client, jobRefs, {
        deadline,
        timeoutMs,
        intervalMs: context.healthPollIntervalMs ?? 2_000,
        signal: context.signal,
      });
  } catch (error) {
    // a newer chart or spec cancelled the wait: the release is left as helm made it, the next reconcile upgrades it
    if (error instanceof WaitCancelledError) throw error;
    const message = (error as Error).message;
    const ref = {
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: storageNamespaceOf(hr),
      name: storageSecretName(release),
    };
    await setStoredStatus(context.client, ref, 'failed', `health check failed: ${message}`.slice(0, 256));
    throw new ReleaseActionError(message, { ...release, info: { ...release.info, status: 'failed' } });
  }
}

async function latest(context: RunContext, hr: HelmRelease): Promise<StoredRelease | undefined> {
  return latestOf(await listReleases(context.client, storageNamespaceOf(hr), releaseNameOf(hr)));
}

export function postRenderSpecOf(hr: HelmRelease): PostRenderSpec {
  return {
    originLabels: { [NameLabel]: hr.metadata?.name ?? '', [NamespaceLabel]: hr.metadata?.namespace ?? '' },
    commonMetadata: hr.spec?.commonMetadata,
    postRenderers: hr.spec?.postRenderers,
  };
}
