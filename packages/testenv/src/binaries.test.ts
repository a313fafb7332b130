import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireBinaries } from './binaries.ts';

describe('requireBinaries', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('names what is missing and every way to provide it, instead of hanging', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-binaries-'));
    process.env.KUBEBUILDER_ASSETS = empty;
    process.env.PATH = empty;
    process.env.FLUXION_CACHE = join(empty, 'cache');
    expect(() => requireBinaries(['etcd', 'kube-apiserver'])).toThrow(
      /missing control-plane binaries: etcd, kube-apiserver\. Build them once with '.*build-kube-binaries\.sh'.*KUBEBUILDER_ASSETS.*PATH/,
    );
  });

  it('prefers KUBEBUILDER_ASSETS over PATH and the cache', async () => {
    const { writeFileSync } = await import('node:fs');
    const assets = mkdtempSync(join(tmpdir(), 'assets-'));
    writeFileSync(join(assets, 'etcd'), '#!/bin/sh\n', { mode: 0o755 });
    process.env.KUBEBUILDER_ASSETS = assets;
    expect(requireBinaries(['etcd']).etcd).toBe(join(assets, 'etcd'));
  });
});
