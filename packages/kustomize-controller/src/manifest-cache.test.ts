import { describe, expect, it } from 'vitest';
import { BuildCache } from './manifest-cache.ts';

describe('BuildCache', () => {
  it('builds once for concurrent callers and gives each its own copy', async () => {
    const cache = new BuildCache();
    let builds = 0;
    const build = async () => {
      builds++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } }];
    };
    const [first, second] = await Promise.all([cache.getOrBuild('key', build), cache.getOrBuild('key', build)]);
    const third = await cache.getOrBuild('key', build);
    expect(builds).toBe(1);
    first![0]!.metadata!.name = 'changed';
    expect(second![0]!.metadata!.name).toBe('a');
    expect(third).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } }]);
  });

  it('does not keep a failed build', async () => {
    const cache = new BuildCache();
    await expect(cache.getOrBuild('key', async () => Promise.reject(new Error('broken')))).rejects.toThrow('broken');
    expect(await cache.getOrBuild('key', async () => [])).toEqual([]);
  });
});
