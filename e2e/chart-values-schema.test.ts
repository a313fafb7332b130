// values.schema.json refuses bad values at `helm install` (real helm v4, real API server), naming the key, and
// nothing is installed: a misspelt controller key or an image reference a container runtime would reject.
import { useTestNamespace, type TestNamespace } from '@fluxion/testenv';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartDirectory, findHelm, HelmCommandError, runHelm } from './chart/helm-cli.ts';
import { findObject, renderChart } from './chart/render-chart.ts';
import type { V1Deployment } from '@kubernetes/client-node';

describe('helm install with values the schema refuses', () => {
  let env: TestNamespace;
  const install = async (...sets: string[]) => {
    const args = [
      'install',
      'refused',
      chartDirectory,
      '--kubeconfig',
      env.kubeconfigPath,
      '--namespace',
      env.namespace,
      '--set',
      'installCRDs=false',
    ];
    const failure = await runHelm(findHelm(), [...args, ...sets.flatMap((set) => ['--set', set])]).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(HelmCommandError);
    return (failure as HelmCommandError).stderr;
  };

  beforeAll(async () => {
    findHelm();
    env = await useTestNamespace('chart-schema');
  });

  it('refuses an unknown controller key, naming it', async () => {
    expect(await install('sourcecontroller.enabled=false')).toContain(
      "additional properties 'sourcecontroller' not allowed",
    );
  });

  it('refuses an unknown key inside a controller block, naming its path', async () => {
    expect(await install('kustomizeController.replica=2')).toContain("at '/kustomizeController/replica'");
  });

  it('refuses a bad image repository and a bad tag, naming the key', async () => {
    expect(await install('sourceController.image.repository=GHCR.io/Fluxion/Source Controller')).toContain(
      "at '/sourceController/image/repository': 'GHCR.io/Fluxion/Source Controller' does not match pattern",
    );
    expect(await install('kustomizeController.image.repository=ghcr.io/fluxion/kustomize-controller:v1')).toContain(
      "at '/kustomizeController/image/repository'",
    );
    expect(await install('sourceController.image.tag=v1:latest')).toContain(
      "at '/sourceController/image/tag': 'v1:latest' does not match pattern",
    );
  });

  it('installs nothing when refused', async () => {
    await install('sourcecontroller.enabled=false');
    const status = await runHelm(findHelm(), [
      'status',
      'refused',
      '--kubeconfig',
      env.kubeconfigPath,
      '--namespace',
      env.namespace,
    ]).catch((error: unknown) => error);
    expect((status as HelmCommandError).stderr).toContain('release: not found');
  });

  it('accepts a registry with a port, a nested path and a semver tag', async () => {
    const objects = await renderChart(findHelm(), {
      namespace: env.namespace,
      values: {
        'sourceController.image.repository': 'registry.example.com:5000/platform/fluxion/source-controller',
        'sourceController.image.tag': 'v1.2.3-rc.1_b',
      },
    });
    const deployment = findObject<V1Deployment>(objects, 'Deployment', 'source-controller');
    expect(deployment?.spec?.template.spec?.containers[0]?.image).toBe(
      'registry.example.com:5000/platform/fluxion/source-controller:v1.2.3-rc.1_b',
    );
  });
});
