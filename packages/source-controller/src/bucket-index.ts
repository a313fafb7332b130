// The object list of a bucket as Flux digests it: keys left after ignore rules, each with its ETag, sorted; the
// revision is the sha256 of that list, so an unchanged bucket is known without downloading anything.
import { createHash } from 'node:crypto';
import type { S3Object } from './s3-client.ts';
import type { IgnoreMatcher } from './source-ignore.ts';

export interface BucketIndex {
  objects: S3Object[];
  /** `sha256:<hex>`. */
  revision: string;
}

export function indexBucketObjects(objects: readonly S3Object[], ignore: IgnoreMatcher): BucketIndex {
  const kept = objects
    .filter((object) => !object.key.endsWith('/') && !ignore.excludes(object.key, false))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const hash = createHash('sha256');
  for (const object of kept) hash.update(`${object.key} ${object.etag}\n`);
  return { objects: kept, revision: `sha256:${hash.digest('hex')}` };
}
