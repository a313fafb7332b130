// A real node: pods run from local images on containerd, resolve Service names through CoreDNS, reach the API server
// through the `kubernetes` Service and each other through kube-proxy; `kubectl logs` and `exec` reach the kubelet.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, REAL_NODE_NAME, startControlPlane, type ControlPlane } from '../src/index.ts';

const BASE_IMAGE = process.env.FLUXION_BASE_IMAGE ?? 'localhost/fluxion/base:latest';
const namespace = 'node-probe';

// Serves "pong" on 8080, then proves DNS, the API server through its Service, and a Service of its own.
const probeScript = `
const fs = require('node:fs');
const https = require('node:https');
const { lookup } = require('node:dns').promises;
require('node:http').createServer((req, res) => res.end('pong')).listen(8080);
const sa = '/var/run/secrets/kubernetes.io/serviceaccount/';
const apiVersion = () => new Promise((resolve, reject) => https.get({
  host: 'kubernetes.default.svc', path: '/version', ca: fs.readFileSync(sa + 'ca.crt'),
  headers: { authorization: 'Bearer ' + fs.readFileSync(sa + 'token', 'utf8') },
}, (res) => { let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => resolve(JSON.parse(body).gitVersion)); }).on('error', reject));
(async () => {
  for (;;) {
    try {
      const dns = await lookup('kubernetes.default.svc.cluster.local');
      const api = await apiVersion();
      const echo = await (await fetch('http://echo.${namespace}.svc.cluster.local:8080/')).text();
      console.log('probe ok dns=' + dns.address + ' api=' + api + ' service=' + echo);
      break;
    } catch (error) {
      console.log('probe retry: ' + error.message);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  setInterval(() => {}, 1 << 30);
})();
`;

describe('a real node', () => {
  let cp: ControlPlane;
  let core: CoreV1Api;

  beforeAll(async () => {
    cp = await startControlPlane({ node: true });
    cp.realNode?.importImage(BASE_IMAGE);
    core = cp.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  }, 300_000);

  let stopped = false;
  afterAll(async () => {
    if (!stopped) await cp?.stop();
  }, 120_000);

  it('joins the cluster and becomes Ready next to the fake node', { timeout: 180_000 }, async () => {
    const node = await pollUntil(
      'real node Ready',
      async () => {
        const found = await core.readNode({ name: REAL_NODE_NAME }).catch(() => undefined);
        return found?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? found : undefined;
      },
      120_000,
    );
    expect(node.status?.nodeInfo?.kubeletVersion).toBe('v1.36.3');
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\//);
  });

  it(
    'runs a pod from a local image that reaches the API server and a Service by name',
    { timeout: 300_000 },
    async () => {
      await pollUntil('default ServiceAccount', async () =>
        core.readNamespacedServiceAccount({ name: 'default', namespace }).catch(() => undefined),
      );
      await core.createNamespacedService({
        namespace,
        body: {
          metadata: { name: 'echo' },
          spec: { selector: { app: 'echo' }, ports: [{ port: 8080, targetPort: 8080 }] },
        },
      });
      await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'echo', labels: { app: 'echo' } },
          spec: {
            nodeSelector: { 'kubernetes.io/hostname': REAL_NODE_NAME },
            containers: [
              {
                name: 'probe',
                image: BASE_IMAGE,
                imagePullPolicy: 'Never',
                command: ['node', '-e', probeScript],
                securityContext: { readOnlyRootFilesystem: true, runAsUser: 65534, allowPrivilegeEscalation: false },
              },
            ],
          },
        },
      });
      const pod = await pollUntil(
        'probe pod Running with an IP',
        async () => {
          const found = await core.readNamespacedPod({ name: 'echo', namespace });
          return found.status?.phase === 'Running' && found.status.podIP ? found : undefined;
        },
        120_000,
      );
      expect(pod.spec?.nodeName).toBe(REAL_NODE_NAME);
      const log = await pollUntil(
        'probe ok in the pod log',
        async () => {
          const text = await core.readNamespacedPodLog({ name: 'echo', namespace });
          return text.includes('probe ok') ? text : undefined;
        },
        120_000,
      );
      expect(log).toMatch(/probe ok dns=10\.96\.0\.1 api=v1\.36\.3 service=pong/);
    },
  );

  it('lets kubectl exec into the pod', () => {
    const out = execFileSync(
      'kubectl',
      ['--kubeconfig', cp.kubeconfigPath, '-n', namespace, 'exec', 'echo', '--', 'node', '-p', 'process.getuid()'],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('65534');
  });

  it('leaves no mount, container or bridge behind when stopped', async () => {
    const stateDir = cp.stateDir;
    const bridge = cp.realNode?.bridge ?? 'no bridge';
    await cp.stop();
    stopped = true;
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(stateDir);
    expect(existsSync(stateDir)).toBe(false);
    expect(execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' })).not.toContain(`fluxion-${bridge}`);
    expect(execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })).not.toContain(`${bridge}:`);
  }, 120_000);
});
