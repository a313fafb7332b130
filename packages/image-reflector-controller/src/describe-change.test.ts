import { describe, expect, it } from 'vitest';
import { describeChange } from './imagepolicy-reconciler.ts';

describe('describeChange', () => {
  it('names the image and both tags, or the digests when only the digest moved', () => {
    expect(describeChange({ name: 'ghcr.io/org/web', tag: '1.25.0' }, { name: 'ghcr.io/org/web', tag: '1.26.0' })).toBe(
      'ghcr.io/org/web: 1.25.0 → 1.26.0',
    );
    expect(
      describeChange(
        { name: 'web', tag: 'latest', digest: 'sha256:a' },
        { name: 'web', tag: 'latest', digest: 'sha256:b' },
      ),
    ).toBe('web:latest: sha256:a → sha256:b');
    expect(describeChange({ name: 'old/web', tag: '1.0.0' }, { name: 'new/web', tag: '1.0.1' })).toBe(
      'old/web → new/web: 1.0.0 → 1.0.1',
    );
  });
});
