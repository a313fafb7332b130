import { describe, expect, it } from 'vitest';
import type { BucketSpec } from '@fluxion/api';
import { indexBucketObjects } from './bucket-index.ts';
import { planBucket } from './bucket-spec.ts';
import { buildIgnoreMatcher } from './source-ignore.ts';
import { parseIgnoreText } from './gitignore-pattern.ts';

const spec = (extra: Partial<BucketSpec>): BucketSpec => ({
  bucketName: 'b',
  endpoint: 'minio.example:9000',
  interval: '5m',
  ...extra,
});

describe('planBucket', () => {
  it('reads host[:port] as https unless insecure, and defaults region and timeout', () => {
    expect(planBucket(spec({}))).toMatchObject({
      endpoint: 'https://minio.example:9000',
      region: 'us-east-1',
      timeoutMs: 60_000,
    });
    expect(planBucket(spec({ insecure: true, region: 'eu-west-1' }))).toMatchObject({
      endpoint: 'http://minio.example:9000',
      region: 'eu-west-1',
    });
  });

  it('stalls on what no retry fixes', () => {
    expect(() => planBucket(spec({ provider: 'gcp' }))).toThrow(/spec.provider 'gcp' needs a cloud identity/);
    expect(() => planBucket(spec({ endpoint: 'http://minio.example' }))).toThrow(/plain HTTP: set spec.insecure: true/);
    expect(() => planBucket(spec({ endpoint: 'https://user:pw@minio.example' }))).toThrow(/must be host\[:port\]/);
    expect(() => planBucket(spec({ interval: 'soon' }))).toThrow(/spec.interval 'soon'/);
  });
});

describe('indexBucketObjects', () => {
  const objects = [
    { key: 'b.yaml', etag: '2', size: 1 },
    { key: 'a.yaml', etag: '1', size: 1 },
    { key: 'dir/', etag: '', size: 0 },
    { key: 'img.png', etag: '3', size: 1 },
  ];
  it('keeps files not ignored, sorted, and digests keys with ETags', () => {
    const index = indexBucketObjects(objects, buildIgnoreMatcher([]));
    expect(index.objects.map((object) => object.key)).toEqual(['a.yaml', 'b.yaml']);
    expect(index.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(indexBucketObjects([...objects].reverse(), buildIgnoreMatcher([])).revision).toBe(index.revision);
    const changed = indexBucketObjects(
      objects.map((object) => (object.key === 'a.yaml' ? { ...object, etag: '9' } : object)),
      buildIgnoreMatcher([]),
    );
    expect(changed.revision).not.toBe(index.revision);
    expect(
      indexBucketObjects(objects, buildIgnoreMatcher(parseIgnoreText('b.yaml'))).objects.map((object) => object.key),
    ).toEqual(['a.yaml', 'img.png']);
  });
});
