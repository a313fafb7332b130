// Runs image-reflector-controller in-process against the shared control plane, scoped to one test namespace, and
// pushes images to testenv's real registry with the runtime's registry client.
import { type ImagePolicy, type ImageRepository, ImageApiVersion, ImageGroup, installCrds } from '@fluxion/api';
import {
  createClient,
  EventRecorder,
  type KubeClient,
  Manager,
  ociMediaTypes,
  RegistryClient,
  type RegistryClientOptions,
  silentLogger,
} from '@fluxion/runtime';
import { pollUntil, useTestNamespace } from '@fluxion/testenv';
import type { CoreV1Event } from '@kubernetes/client-node';
import { setupImageReflector, type ImageReflector } from '../../src/image-reflector.ts';
import { OciImageRegistry, type OciImageRegistryOptions } from '../../src/oci-image-registry.ts';
import { resolveRegistryAccess } from '../../src/registry-access.ts';

export interface Harness {
  namespace: string;
  kubeconfigPath: string;
  client: KubeClient;
  registry: OciImageRegistry;
  reflector: ImageReflector;
  stop(): Promise<void>;
  /** Stops the controller and starts a new one on the same namespace, with an empty tag store. */
  restart(): Promise<void>;
}

export interface HarnessOptions {
  registry?: OciImageRegistryOptions;
  prefix?: string;
  /** Watch every namespace (for cross-namespace tests); pair it with a labelSelector. */
  allNamespaces?: boolean;
  labelSelector?: string;
  noCrossNamespaceRefs?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const env = await useTestNamespace(options.prefix ?? 'irc');
  await installCrds(env.kubeConfig);
  const client = createClient({ kubeConfig: env.kubeConfig });
  let running = startController(client, env.namespace, options);
  await running.manager.start();
  const harness: Harness = {
    namespace: env.namespace,
    kubeconfigPath: env.kubeconfigPath,
    client,
    registry: running.registry,
    reflector: running.reflector,
    stop: () => running.manager.stop(),
    restart: async () => {
      await running.manager.stop();
      running = startController(client, env.namespace, options);
      harness.registry = running.registry;
      harness.reflector = running.reflector;
      await running.manager.start();
    },
  };
  return harness;
}

// A new process, as far as the controller can tell: a new manager, caches and an empty tag store.
function startController(client: KubeClient, namespace: string, options: HarnessOptions) {
  const manager = new Manager({
    name: 'image-reflector-test',
    logger: silentLogger(),
    metricsAddress: '0',
    healthAddress: '0',
    gracefulShutdownMs: 5_000,
  });
  const registry = new OciImageRegistry({ maxRetryAfterMs: 5_000, ...options.registry });
  const reflector = setupImageReflector({
    manager,
    client,
    registry,
    resolveAccess: resolveRegistryAccess,
    events: new EventRecorder(client, { reportingController: 'image-reflector-controller' }),
    namespace: options.allNamespaces ? undefined : namespace,
    labelSelector: options.labelSelector,
    ...(options.noCrossNamespaceRefs ? { noCrossNamespaceRefs: true } : {}),
    concurrency: 4,
    // Short retries keep failure tests quick; the backoff itself is the runtime's and tested there.
    minRetryDelayMs: 250,
    maxRetryDelayMs: 2_000,
  });
  return { manager, registry, reflector };
}

export function imageRepository(
  namespace: string,
  name: string,
  spec: Partial<NonNullable<ImageRepository['spec']>> & { image: string },
): ImageRepository {
  return {
    apiVersion: ImageApiVersion,
    kind: 'ImageRepository',
    metadata: { name, namespace },
    spec: { interval: '10m', ...spec },
  };
}

export function imagePolicy(
  namespace: string,
  name: string,
  spec: Partial<NonNullable<ImagePolicy['spec']>> & { imageRepositoryRef: { name: string; namespace?: string } },
): ImagePolicy {
  return {
    apiVersion: ImageApiVersion,
    kind: 'ImagePolicy',
    metadata: { name, namespace },
    spec: { policy: { semver: { range: '>=0.0.0' } }, ...spec },
  };
}

export const repositoryGvk = { group: ImageGroup, version: 'v1', kind: 'ImageRepository' };
export const policyGvk = { group: ImageGroup, version: 'v1', kind: 'ImagePolicy' };

export async function readRepository(harness: Harness, name: string): Promise<ImageRepository> {
  return harness.client.get<ImageRepository>({
    apiVersion: ImageApiVersion,
    kind: 'ImageRepository',
    namespace: harness.namespace,
    name,
  });
}

export async function readPolicy(harness: Harness, name: string, namespace = harness.namespace): Promise<ImagePolicy> {
  return harness.client.get<ImagePolicy>({ apiVersion: ImageApiVersion, kind: 'ImagePolicy', namespace, name });
}

type Ready = { status: string; reason: string; message: string };

export function readyOf(object: {
  status?: { conditions?: { type: string; status: string; reason: string; message: string }[] };
}): Ready | undefined {
  const ready = object.status?.conditions?.find((condition) => condition.type === 'Ready');
  return ready && { status: ready.status, reason: ready.reason, message: ready.message };
}

/** Polls until the object's Ready condition satisfies `test`; returns the object. */
export async function waitForReady<T extends ImageRepository | ImagePolicy>(
  read: () => Promise<T>,
  test: (ready: Ready) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  return pollUntil(
    what,
    async () => {
      const object = await read();
      const ready = readyOf(object);
      return ready && test(ready) ? object : undefined;
    },
    timeoutMs,
  );
}

export async function eventsOf(harness: Harness, name: string): Promise<CoreV1Event[]> {
  const { items } = await harness.client.list<CoreV1Event>(
    { group: '', version: 'v1', kind: 'Event' },
    { namespace: harness.namespace },
  );
  return items.filter((event) => event.involvedObject.name === name);
}

/** Pushes one small image to `repository` and tags it with each tag; returns the manifest digest. */
export async function pushImage(
  options: RegistryClientOptions,
  repository: string,
  tags: readonly string[],
  content = 'layer',
): Promise<string> {
  const client = new RegistryClient(options);
  try {
    const config = await client.pushBlob(repository, Buffer.from('{}'), ociMediaTypes.ociEmptyConfig);
    const layer = await client.pushBlob(repository, Buffer.from(content), ociMediaTypes.ociLayerTarGzip);
    const manifest = { schemaVersion: 2 as const, mediaType: ociMediaTypes.ociImageManifest, config, layers: [layer] };
    let digest = '';
    for (const tag of tags)
      digest = (await client.pushManifest(repository, tag, manifest, ociMediaTypes.ociImageManifest)).digest;
    return digest;
  } finally {
    client.close();
  }
}

/** A kubernetes.io/dockerconfigjson Secret with one login. */
export function dockerConfigSecret(
  namespace: string,
  name: string,
  registry: string,
  username: string,
  password: string,
): object {
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/dockerconfigjson',
    stringData: { '.dockerconfigjson': JSON.stringify({ auths: { [registry]: { username, password, auth } } }) },
  };
}
