// One fake node that kwok keeps Ready, so the scheduler places pods and kwok marks them Running.
import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { TestEnvError } from './errors.ts';

export const FAKE_NODE_NAME = 'kwok-node-0';

export async function startFakeNode(kubeconfigPath: string, timeoutMs: number): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const node: V1Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: FAKE_NODE_NAME,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': FAKE_NODE_NAME,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
    },
    status: {
      allocatable: { cpu: '64', memory: '256Gi', pods: '1000' },
      capacity: { cpu: '64', memory: '256Gi', pods: '1000' },
    },
  };
  await core.createNode({ body: node });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const current = await core.readNode({ name: FAKE_NODE_NAME });
    const ready = current.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'True') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new TestEnvError(
    `node ${FAKE_NODE_NAME} did not become Ready within ${timeoutMs} ms: is kwok running (see kwok.log in the state dir)?`,
  );
}
