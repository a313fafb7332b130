// ImagePolicy against testenv's real registry: a tag pushed with the registry client becomes status.latestRef with an
// event "…: 1.25.0 → 1.26.0"; digests from a manifest HEAD; ranges that match nothing; cross-namespace references.
import { ImageApiVersion } from '@fluxion/api';
import { startOciRegistry, pollUntil, useTestNamespace, type OciRegistry } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventsOf,
  type Harness,
  imagePolicy,
  imageRepository,
  pushImage,
  readPolicy,
  readRepository,
  readyOf,
  startHarness,
  waitForReady,
} from './support/harness.ts';

describe('ImagePolicy', () => {
  let harness: Harness;
  let registry: OciRegistry;
  let image: string;
  const push = (tags: string[], content?: string) =>
    pushImage({ registry: registry.host, insecure: true }, 'apps/web', tags, content);
  const requestReconcile = (name: string) =>
    harness.client.patch(
      { apiVersion: ImageApiVersion, kind: 'ImageRepository', namespace: harness.namespace, name },
      { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': String(Date.now()) } } },
      'merge',
    );

  beforeAll(async () => {
    harness = await startHarness({ prefix: 'irc-policy' });
    registry = await startOciRegistry();
    image = `${registry.host}/apps/web`;
    await push(['1.24.0', '1.25.0', '1.26.0-rc.1', 'latest', 'main-abc123-1700000100', 'main-def456-1700000900']);
    await harness.client.create(imageRepository(harness.namespace, 'web', { image, insecure: true }));
    await waitForReady(
      () => readRepository(harness, 'web'),
      (ready) => ready.status === 'True',
      'web scanned',
    );
  });
  afterAll(async () => {
    await harness?.stop();
    await registry?.stop();
  });

  it('picks the highest release in range, and follows a newly pushed tag with an event naming both', async () => {
    await harness.client.create(
      imagePolicy(harness.namespace, 'web', {
        imageRepositoryRef: { name: 'web' },
        policy: { semver: { range: '>=1.0.0' } },
      }),
    );
    const first = await waitForReady(
      () => readPolicy(harness, 'web'),
      (ready) => ready.status === 'True',
      'web resolved',
    );
    expect(first.status?.latestRef).toEqual({ name: image, tag: '1.25.0' });
    expect(readyOf(first)?.message).toBe(`Latest image tag for ${image} resolved to 1.25.0`);

    await push(['1.26.0'], 'new layer');
    await requestReconcile('web');
    const moved = await pollUntil(
      'web moves to 1.26.0',
      async () => {
        const policy = await readPolicy(harness, 'web');
        return policy.status?.latestRef?.tag === '1.26.0' ? policy : undefined;
      },
      30_000,
    );
    expect(moved.status?.observedPreviousRef).toEqual({ name: image, tag: '1.25.0' });
    const messages = (await eventsOf(harness, 'web'))
      .filter((event) => event.involvedObject.kind === 'ImagePolicy')
      .map((event) => event.message);
    expect(messages).toContain(`${image}: 1.25.0 → 1.26.0`);
  });

  it('takes prereleases only when the range asks, and orders build tags by an extracted timestamp', async () => {
    await harness.client.create(
      imagePolicy(harness.namespace, 'rc', {
        imageRepositoryRef: { name: 'web' },
        policy: { semver: { range: '>=1.26.0-0 <1.27.0' } },
      }),
    );
    await harness.client.create(
      imagePolicy(harness.namespace, 'builds', {
        imageRepositoryRef: { name: 'web' },
        filterTags: { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' },
        policy: { numerical: { order: 'asc' } },
      }),
    );
    const rc = await waitForReady(
      () => readPolicy(harness, 'rc'),
      (ready) => ready.status === 'True',
      'rc resolved',
    );
    expect(rc.status?.latestRef?.tag).toMatch(/^1\.26\.0/);
    const builds = await waitForReady(
      () => readPolicy(harness, 'builds'),
      (ready) => ready.status === 'True',
      'builds resolved',
    );
    expect(builds.status?.latestRef?.tag).toBe('main-def456-1700000900');
  });

  it('a range that matches nothing is Ready=False naming the range and the newest versions seen', async () => {
    await harness.client.create(
      imagePolicy(harness.namespace, 'future', {
        imageRepositoryRef: { name: 'web' },
        policy: { semver: { range: '>=9.0.0' } },
      }),
    );
    const failed = await waitForReady(
      () => readPolicy(harness, 'future'),
      (ready) => ready.status === 'False',
      'future fails',
    );
    expect(readyOf(failed)?.reason).toBe('LatestImageTagNotFound');
    expect(readyOf(failed)?.message).toMatch(
      /^no tag matches semver range '>=9\.0\.0' \(newest versions seen: (1\.26\.0, )?1\.26\.0-rc\.1, 1\.25\.0, 1\.24\.0\)$/,
    );
  });

  it('reflects the digest of the chosen tag from a manifest HEAD (IfNotPresent) ', async () => {
    const digest = await pushImage(
      { registry: registry.host, insecure: true },
      'apps/pinned',
      ['2.0.0'],
      'pinned layer',
    );
    await harness.client.create(
      imageRepository(harness.namespace, 'pinned', { image: `${registry.host}/apps/pinned`, insecure: true }),
    );
    await harness.client.create(
      imagePolicy(harness.namespace, 'pinned', {
        imageRepositoryRef: { name: 'pinned' },
        digestReflectionPolicy: 'IfNotPresent',
      }),
    );
    const resolved = await waitForReady(
      () => readPolicy(harness, 'pinned'),
      (ready) => ready.status === 'True',
      'pinned resolved',
      40_000,
    );
    expect(resolved.status?.latestRef).toEqual({ name: `${registry.host}/apps/pinned`, tag: '2.0.0', digest });
  });

  it('with digestReflectionPolicy Always, follows a mutable tag to its new digest', async () => {
    const before = await pushImage({ registry: registry.host, insecure: true }, 'apps/mutable', ['latest'], 'build 1');
    await harness.client.create(
      imageRepository(harness.namespace, 'mutable', { image: `${registry.host}/apps/mutable`, insecure: true }),
    );
    await harness.client.create(
      imagePolicy(harness.namespace, 'mutable', {
        imageRepositoryRef: { name: 'mutable' },
        policy: { alphabetical: {} },
        digestReflectionPolicy: 'Always',
        interval: '1s',
      }),
    );
    await pollUntil(
      'first digest',
      async () => ((await readPolicy(harness, 'mutable')).status?.latestRef?.digest === before ? true : undefined),
      30_000,
    );
    const after = await pushImage({ registry: registry.host, insecure: true }, 'apps/mutable', ['latest'], 'build 2');
    const moved = await pollUntil(
      'new digest',
      async () => {
        const policy = await readPolicy(harness, 'mutable');
        return policy.status?.latestRef?.digest === after ? policy : undefined;
      },
      30_000,
    );
    expect(moved.status?.observedPreviousRef?.digest).toBe(before);
  });

  it('a restart (an empty tag store) rescans and writes nothing: no Ready flap, no lost observedPreviousRef', async () => {
    const policyBefore = await waitForReady(
      () => readPolicy(harness, 'web'),
      (ready) => ready.status === 'True',
      'web resolved',
    );
    const repositoryBefore = await readRepository(harness, 'web');
    await harness.restart();
    await pollUntil(
      'tags rescanned by the new controller',
      async () => (harness.reflector.store.get(`${harness.namespace}/web`) ? true : undefined),
      20_000,
    );
    await pollUntil(
      'queues drained',
      async () =>
        harness.reflector.policyController.queueLength === 0 && harness.reflector.repositoryController.queueLength === 0
          ? true
          : undefined,
      20_000,
    );
    const policyAfter = await readPolicy(harness, 'web');
    expect(policyAfter.metadata?.resourceVersion).toBe(policyBefore.metadata?.resourceVersion);
    expect(policyAfter.status?.observedPreviousRef).toEqual({ name: image, tag: '1.25.0' });
    expect((await readRepository(harness, 'web')).metadata?.resourceVersion).toBe(
      repositoryBefore.metadata?.resourceVersion,
    );
  });

  it('a missing ImageRepository is DependencyNotReady naming it, and resolves once it exists', async () => {
    await harness.client.create(imagePolicy(harness.namespace, 'early', { imageRepositoryRef: { name: 'later' } }));
    const waiting = await waitForReady(
      () => readPolicy(harness, 'early'),
      (ready) => ready.status === 'False',
      'early waits',
    );
    expect(readyOf(waiting)).toMatchObject({
      reason: 'DependencyNotReady',
      message: `referenced ImageRepository ${harness.namespace}/later does not exist`,
    });
    await harness.client.create(imageRepository(harness.namespace, 'later', { image, insecure: true }));
    const resolved = await waitForReady(
      () => readPolicy(harness, 'early'),
      (ready) => ready.status === 'True',
      'early resolves',
    );
    expect(resolved.status?.latestRef?.tag).toBe('1.26.0');
  });
});

describe('ImagePolicy across namespaces', () => {
  // Watching every namespace, but only objects of this test (by label), as a sharded controller would.
  const label = { 'fluxion.test/case': `xns-${Date.now()}` };
  let harness: Harness;
  let registry: OciRegistry;
  let apps: string;

  beforeAll(async () => {
    harness = await startHarness({
      prefix: 'irc-xns',
      allNamespaces: true,
      labelSelector: `fluxion.test/case=${label['fluxion.test/case']}`,
    });
    apps = (await useTestNamespace('irc-xns-apps')).namespace;
    registry = await startOciRegistry();
    await pushImage({ registry: registry.host, insecure: true }, 'shared/base', ['3.1.0']);
  });
  afterAll(async () => {
    await harness?.stop();
    await registry?.stop();
  });

  const labelled = <T extends { metadata?: { labels?: Record<string, string> } }>(object: T): T => ({
    ...object,
    metadata: { ...object.metadata, labels: label },
  });

  it('refuses a reference its accessFrom does not allow, naming repository and namespace; allows it once it does', async () => {
    const repository = labelled(
      imageRepository(apps, 'base', { image: `${registry.host}/shared/base`, insecure: true }),
    );
    await harness.client.create(repository);
    await harness.client.create(
      labelled(imagePolicy(harness.namespace, 'base', { imageRepositoryRef: { name: 'base', namespace: apps } })),
    );
    const refused = await waitForReady(
      () => readPolicy(harness, 'base'),
      (ready) => ready.status === 'False',
      'cross-namespace refused',
    );
    expect(readyOf(refused)).toMatchObject({
      reason: 'AccessDenied',
      message:
        `spec.imageRepositoryRef: ImageRepository ${apps}/base does not allow references from namespace '${harness.namespace}': ` +
        'its spec.accessFrom.namespaceSelectors must match the labels of this namespace',
    });

    await harness.client.patch(
      { apiVersion: ImageApiVersion, kind: 'ImageRepository', namespace: apps, name: 'base' },
      {
        spec: {
          accessFrom: { namespaceSelectors: [{ matchLabels: { 'kubernetes.io/metadata.name': harness.namespace } }] },
        },
      },
      'merge',
    );
    const allowed = await waitForReady(
      () => readPolicy(harness, 'base'),
      (ready) => ready.status === 'True',
      'cross-namespace allowed',
    );
    expect(allowed.status?.latestRef).toEqual({ name: `${registry.host}/shared/base`, tag: '3.1.0' });
  });

  it('with --no-cross-namespace-refs, refuses even what accessFrom allows', async () => {
    const strictLabel = `${label['fluxion.test/case']}-strict`;
    const strict = await startHarness({
      prefix: 'irc-xns-strict',
      allNamespaces: true,
      labelSelector: `fluxion.test/case=${strictLabel}`,
      noCrossNamespaceRefs: true,
    });
    try {
      const tagged = <T extends { metadata?: { labels?: Record<string, string> } }>(object: T): T => ({
        ...object,
        metadata: { ...object.metadata, labels: { 'fluxion.test/case': strictLabel } },
      });
      await strict.client.create(
        tagged(
          imageRepository(apps, 'open', {
            image: `${registry.host}/shared/base`,
            insecure: true,
            accessFrom: { namespaceSelectors: [{ matchLabels: {} }] },
          }),
        ),
      );
      await strict.client.create(
        tagged(imagePolicy(strict.namespace, 'open', { imageRepositoryRef: { name: 'open', namespace: apps } })),
      );
      const refused = await waitForReady(
        () => readPolicy(strict, 'open'),
        (ready) => ready.status === 'False',
        'strict refusal',
      );
      expect(readyOf(refused)).toMatchObject({
        reason: 'AccessDenied',
        message: `spec.imageRepositoryRef: cross-namespace reference to ImageRepository ${apps}/open refused (--no-cross-namespace-refs)`,
      });
    } finally {
      await strict.stop();
    }
  });
});
