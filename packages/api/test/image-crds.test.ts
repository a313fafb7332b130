// The image.toolkit.fluxcd.io CRDs against a real API server: Flux's documented manifests are accepted and defaulted,
// and what Flux's API forbids is refused with a message naming the field.
import { ApiException, CustomObjectsApi } from '@kubernetes/client-node';
import { useTestNamespace } from '@fluxion/testenv';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImageApiVersion, ImageGroup, ImagePlural, installCrds } from '../src/index.ts';
import type { ImagePolicy, ImageRepository, ImageUpdateAutomation } from '../src/index.ts';

type ImageObject = ImageRepository | ImagePolicy | ImageUpdateAutomation;

let api: CustomObjectsApi;
let namespace: string;

beforeAll(async () => {
  const env = await useTestNamespace('api-image');
  namespace = env.namespace;
  await installCrds(env.kubeConfig);
  api = env.kubeConfig.makeApiClient(CustomObjectsApi);
});

async function create<T extends ImageObject>(object: T): Promise<T> {
  const coordinates = { group: ImageGroup, version: 'v1', plural: ImagePlural[object.kind], namespace };
  return (await api.createNamespacedCustomObject({ ...coordinates, body: object })) as T;
}

async function rejection(object: ImageObject): Promise<string> {
  try {
    await create(object);
  } catch (error) {
    if (error instanceof ApiException) {
      expect(error.code).toBe(422);
      const body: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      return typeof body === 'object' && body !== null && 'message' in body
        ? String(body.message)
        : JSON.stringify(body);
    }
    throw error;
  }
  throw new Error(`${object.kind} ${object.metadata?.name} was accepted but should have been rejected`);
}

function policy(name: string, spec: Partial<NonNullable<ImagePolicy['spec']>>): ImagePolicy {
  return {
    apiVersion: ImageApiVersion,
    kind: 'ImagePolicy',
    metadata: { name },
    spec: { imageRepositoryRef: { name: 'podinfo' }, policy: { semver: { range: '5.1.x' } }, ...spec },
  };
}

describe('image manifests are accepted and defaulted', () => {
  it('ImageRepository: provider generic, the cosign exclusion list, status at observedGeneration -1', async () => {
    const created = await create<ImageRepository>({
      apiVersion: ImageApiVersion,
      kind: 'ImageRepository',
      metadata: { name: 'podinfo' },
      spec: {
        image: 'stefanprodan/podinfo',
        interval: '1h',
        secretRef: { name: 'regcred' },
        accessFrom: { namespaceSelectors: [{ matchLabels: { 'kubernetes.io/metadata.name': 'flux-system' } }] },
      },
    });
    expect(created.spec?.provider).toBe('generic');
    expect(created.spec?.exclusionList).toEqual(['^.*\\.sig$']);
    expect(created.status).toEqual({ observedGeneration: -1 });
  });

  it('ImagePolicy: digestReflectionPolicy defaults to Never, alphabetical order to asc', async () => {
    const semver = await create(
      policy('semver', { filterTags: { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' } }),
    );
    expect(semver.spec?.digestReflectionPolicy).toBe('Never');
    const alphabetical = await create(policy('alpha', { policy: { alphabetical: {} } }));
    expect(alphabetical.spec?.policy.alphabetical?.order).toBe('asc');
    const always = await create(policy('always', { digestReflectionPolicy: 'Always', interval: '10m' }));
    expect(always.spec?.interval).toBe('10m');
  });

  it('ImageUpdateAutomation: update defaults to the Setters strategy, sourceRef kind GitRepository', async () => {
    const created = await create<ImageUpdateAutomation>({
      apiVersion: ImageApiVersion,
      kind: 'ImageUpdateAutomation',
      metadata: { name: 'flux-system' },
      spec: {
        interval: '30m',
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
        git: {
          checkout: { ref: { branch: 'main' } },
          commit: {
            author: { email: 'fluxcdbot@users.noreply.github.com', name: 'fluxcdbot' },
            messageTemplate: '{{range .Changed.Changes}}{{print .OldValue}} -> {{println .NewValue}}{{end}}',
            messageTemplateValues: { env: 'prod' },
            signingKey: { secretRef: { name: 'signing-key' } },
          },
          push: { branch: 'auto', options: { 'merge_request.create': '' } },
        },
        policySelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
      },
    });
    expect(created.spec?.update).toEqual({ strategy: 'Setters' });
    expect(created.spec?.git?.push?.options).toEqual({ 'merge_request.create': '' });
  });
});

describe('invalid image manifests are refused with a message naming the field', () => {
  it('an ImagePolicy with two policies', async () => {
    const message = await rejection(
      policy('two', { policy: { semver: { range: '1.x' }, numerical: { order: 'asc' } } }),
    );
    expect(message).toContain('exactly one of semver, alphabetical or numerical');
  });

  it('an interval without digestReflectionPolicy Always, and Always without an interval', async () => {
    expect(await rejection(policy('interval-never', { interval: '5m' }))).toContain(
      "only accepted when spec.digestReflectionPolicy is 'Always'",
    );
    expect(await rejection(policy('always-no-interval', { digestReflectionPolicy: 'Always' }))).toContain(
      'spec.interval must be set',
    );
  });

  it('an ImageRepository provider outside the enum', async () => {
    const message = await rejection({
      apiVersion: ImageApiVersion,
      kind: 'ImageRepository',
      metadata: { name: 'bad-provider' },
      spec: { image: 'alpine', interval: '1h', provider: 'quay' as 'generic' },
    });
    expect(message).toContain('spec.provider');
  });
});
