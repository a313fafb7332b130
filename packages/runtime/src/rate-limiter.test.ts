import { setImmediate as nextTick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TokenBucketRateLimiter } from './rate-limiter.ts';

describe('TokenBucketRateLimiter', () => {
  it('lets a burst through at once, holds the rest back, then releases them in order', async () => {
    const limiter = new TokenBucketRateLimiter(1, 5);
    const granted: number[] = [];
    const all = Promise.all(Array.from({ length: 7 }, (_, i) => limiter.acquire().then(() => granted.push(i))));
    await nextTick();
    expect(granted).toEqual([0, 1, 2, 3, 4]);
    await all;
    expect(granted).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('rejects nonsense settings with the values in the message', () => {
    expect(() => new TokenBucketRateLimiter(0, 10)).toThrow(/qps=0/);
  });
});
