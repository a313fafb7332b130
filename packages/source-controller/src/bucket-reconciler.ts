// Bucket → artifact: finalizer, suspend, spec, Secrets, list the objects (under spec.prefix), apply ignore rules,
// digest the list; when the revision is new, download the objects and archive them reproducibly, then status and
// events. An unchanged bucket costs one listing and no download.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Bucket, ConditionType } from '@fluxion/api';
import { type Logger, type ObjectKey, type ReconcileResult, removeCondition } from '@fluxion/runtime';
import { resolveBucketAccess } from './bucket-access.ts';
import { type BucketIndex, indexBucketObjects } from './bucket-index.ts';
import { type BucketPlan, planBucket } from './bucket-spec.ts';
import { parseIgnoreText } from './gitignore-pattern.ts';
import { S3Client } from './s3-client.ts';
import { resolveInside } from './safe-path.ts';
import { SourceError } from './source-error.ts';
import { buildIgnoreMatcher, type IgnoreMatcher, sourceIgnoreFileName } from './source-ignore.ts';
import { SourceLifecycle, type SourceReconcilerOptions } from './source-lifecycle.ts';
import type { SourceRun } from './source-run.ts';
import type { ArtifactOwner } from './storage.ts';

export const bucketKind = 'Bucket';
const downloadConcurrency = 8;

export interface BucketReconcilerOptions extends SourceReconcilerOptions<Bucket> {
  /** Where objects are downloaded (default the OS temp directory). */
  workDirectory?: string;
}

export class BucketReconciler {
  readonly #options: BucketReconcilerOptions;
  readonly #lifecycle: SourceLifecycle<Bucket>;
  // The bucket's .sourceignore by ETag, so an unchanged bucket downloads nothing, not even that file.
  readonly #ignoreFiles = new Map<string, { etag: string; text: string }>();
  /** Objects downloaded since start (for tests and the benchmark). */
  downloads = 0;

  constructor(options: BucketReconcilerOptions) {
    this.#options = options;
    this.#lifecycle = new SourceLifecycle(bucketKind, options);
  }

  readonly reconcile = async (key: ObjectKey, log: Logger): Promise<ReconcileResult> => {
    const { client, storage } = this.#options;
    const run = await this.#lifecycle.begin(key, log);
    if (!run) {
      this.#ignoreFiles.delete(`${key.namespace ?? ''}/${key.name}`);
      return {};
    }
    const { owner } = run;
    const plan = await run.step(ConditionType.FetchFailed, () => planBucket(run.object.spec));
    removeCondition(run.work, ConditionType.Stalled);
    const access = await run.step(ConditionType.FetchFailed, () =>
      resolveBucketAccess(client, owner.namespace, run.object.spec!),
    );
    const s3 = new S3Client({
      endpoint: plan.endpoint,
      region: plan.region,
      timeoutMs: plan.timeoutMs,
      ...(access.credentials ? { credentials: access.credentials } : {}),
      ...(access.tls ? { tls: access.tls } : {}),
    });
    const index = await run.step(ConditionType.FetchFailed, async () => {
      const objects = await s3.listObjects(plan.bucketName, plan.prefix);
      return indexBucketObjects(objects, await this.#ignoreMatcher(s3, plan, owner, objects));
    });
    removeCondition(run.work, ConditionType.FetchFailed);

    const previous = run.object.status?.artifact;
    const unchanged =
      previous?.revision === index.revision &&
      run.object.status?.observedIgnore === plan.ignore &&
      (await storage.exists(previous));
    if (unchanged) {
      run.keepArtifact(previous);
    } else {
      run.markOutdated(index.revision, `new upstream revision '${index.revision}'`);
      await this.#buildArtifact(run, s3, plan, index);
    }
    await run.succeed(`stored artifact for revision '${index.revision}'`);
    return { requeueAfter: plan.intervalMs };
  };

  async #buildArtifact(run: SourceRun<Bucket>, s3: S3Client, plan: BucketPlan, index: BucketIndex): Promise<void> {
    const { storage } = this.#options;
    const { owner } = run;
    const work = await mkdtemp(
      join(this.#options.workDirectory ?? tmpdir(), `bucket-${owner.namespace}-${owner.name}-`),
    );
    try {
      const root = join(work, 'objects');
      await mkdir(root, { recursive: true });
      await run.step(ConditionType.FetchFailed, () => this.#downloadAll(s3, plan, index, root));
      const hex = index.revision.slice('sha256:'.length);
      const artifact = await run.step(ConditionType.StorageOperationFailed, async () => {
        const stored = await storage.archive(owner, index.revision, root, { fileName: `${hex}.tar.gz` });
        await storage.linkLatest(stored);
        return stored;
      });
      run.status.artifact = artifact;
      run.status.url = storage.artifactUrl(`${storage.artifactDirectory(owner)}/latest.tar.gz`);
      if (plan.ignore === undefined) delete run.status.observedIgnore;
      else run.status.observedIgnore = plan.ignore;
      run.eventOnSuccess(
        'Normal',
        'NewArtifact',
        `stored artifact with ${index.objects.length} fetched files from '${plan.bucketName}' bucket`,
        artifact.revision,
      );
      await run.collectGarbage(artifact);
    } finally {
      await rm(work, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  async #downloadAll(s3: S3Client, plan: BucketPlan, index: BucketIndex, root: string): Promise<void> {
    const queue = [...index.objects];
    const worker = async () => {
      for (let object = queue.shift(); object; object = queue.shift()) {
        const path = resolveInside(
          root,
          object.key,
          'BucketOperationFailed',
          `object key '${object.key}' of bucket '${plan.bucketName}' leaves the artifact root`,
        );
        const body = await s3.getObject(plan.bucketName, object.key);
        this.downloads++;
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, body).catch((error: unknown) => {
          throw new SourceError(
            'BucketOperationFailed',
            `cannot write object '${object.key}' of bucket '${plan.bucketName}': ${(error as Error).message}`,
          );
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(downloadConcurrency, index.objects.length) }, worker));
  }

  // Flux's rules: the bucket's root .sourceignore (when there is one) and spec.ignore, defaults otherwise.
  async #ignoreMatcher(
    s3: S3Client,
    plan: BucketPlan,
    owner: ArtifactOwner,
    objects: readonly { key: string; etag: string }[],
  ): Promise<IgnoreMatcher> {
    const cacheKey = `${owner.namespace}/${owner.name}`;
    // Under a prefix the root .sourceignore is not listed: a HEAD gives its ETag without downloading it.
    const listed = objects.find((object) => object.key === sourceIgnoreFileName);
    const etag = listed
      ? listed.etag
      : plan.prefix
        ? await s3.headObject(plan.bucketName, sourceIgnoreFileName)
        : undefined;
    const file = etag === undefined ? undefined : { key: sourceIgnoreFileName, etag };
    const patterns = [];
    if (file) {
      let cached = this.#ignoreFiles.get(cacheKey);
      if (cached?.etag !== file.etag) {
        cached = { etag: file.etag, text: (await s3.getObject(plan.bucketName, file.key)).toString('utf8') };
        this.downloads++;
        this.#ignoreFiles.set(cacheKey, cached);
      }
      patterns.push(...parseIgnoreText(cached.text));
    }
    if (plan.ignore !== undefined) patterns.push(...parseIgnoreText(plan.ignore));
    return buildIgnoreMatcher(patterns);
  }
}
