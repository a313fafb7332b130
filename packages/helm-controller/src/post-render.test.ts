import { describe, expect, it } from 'vitest';
import { parseManifests, postRender } from './post-render.ts';

const rendered = `---
# Source: web/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  labels:
    app: web
data:
  a: "1"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.0
`;

describe('postRender', () => {
  it('sets origin labels and commonMetadata on every object, then kustomize patches and images in order', async () => {
    const output = parseManifests(
      await postRender(rendered, {
        originLabels: { 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': 'apps' },
        commonMetadata: { labels: { tier: 'front' }, annotations: { owner: 'a' } },
        postRenderers: [
          {
            kustomize: {
              patches: [{ target: { kind: 'ConfigMap' }, patch: '- op: add\n  path: /data/b\n  value: "2"\n' }],
            },
          },
          { kustomize: { images: [{ name: 'nginx', newTag: '2.0' }] } },
        ],
      }),
    );
    const configMap = output.find((object) => object.kind === 'ConfigMap');
    expect(configMap?.metadata?.labels).toEqual({
      app: 'web',
      tier: 'front',
      'helm.toolkit.fluxcd.io/name': 'web',
      'helm.toolkit.fluxcd.io/namespace': 'apps',
    });
    expect(configMap?.metadata?.annotations).toEqual({ owner: 'a' });
    expect((configMap as { data?: Record<string, string> }).data).toEqual({ a: '1', b: '2' });
    const deployment = output.find((object) => object.kind === 'Deployment') as
      { spec: { template: { spec: { containers: Array<{ image: string }> } } } } | undefined;
    expect(deployment?.spec.template.spec.containers[0]?.image).toBe('nginx:2.0');
  });

  it('names the post-renderer whose patch fails', async () => {
    await expect(
      postRender(rendered, {
        originLabels: {},
        postRenderers: [{ kustomize: { patches: [{ patch: 'not: [a patch' }] } }],
      }),
    ).rejects.toThrow(/^spec\.postRenderers\[0\]\.kustomize: /);
  });
});
