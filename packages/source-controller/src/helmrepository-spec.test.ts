import { describe, expect, it } from 'vitest';
import { planHelmRepository } from './helmrepository-spec.ts';
import { humanSize } from './helmrepository-reconciler.ts';

describe('planHelmRepository', () => {
  it('finds the index under the URL, trailing slash or not', () => {
    expect(planHelmRepository({ url: 'https://charts.example/stable/' })).toMatchObject({
      type: 'default',
      indexUrl: 'https://charts.example/stable/index.yaml',
      timeoutMs: 60_000,
    });
    expect(planHelmRepository({ url: 'oci://ghcr.io/org/charts', type: 'oci', timeout: '30s' })).toMatchObject({
      type: 'oci',
      timeoutMs: 30_000,
    });
  });

  it('stalls on URLs no retry fixes, never echoing credentials', () => {
    expect(() => planHelmRepository({ url: 'oci://ghcr.io/charts' })).toThrow(
      /needs http or https \(set spec.type: oci/,
    );
    expect(() => planHelmRepository({ url: 'https://ghcr.io/charts', type: 'oci' })).toThrow(
      /must start with oci:\/\//,
    );
    let message = '';
    try {
      planHelmRepository({ url: 'https://user:hunter2@charts.example' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/carries credentials/);
    expect(message).not.toContain('hunter2');
  });
});

describe('humanSize', () => {
  it('prints decimal units as Flux events do', () => {
    expect(humanSize(512)).toBe('512 B');
    expect(humanSize(1_500)).toBe('1.5 kB');
    expect(humanSize(2_345_678)).toBe('2.35 MB');
  });
});
