// fluxion install on a control plane of its own (the chart owns the CRDs there), then check and version read it back.
import { pollUntil, startControlPlane, type ControlPlane } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFluxion } from './run-fluxion.ts';

describe('install, then check', () => {
  let controlPlane: ControlPlane;
  const fluxion = (...args: string[]) =>
    runFluxion(args, { kubeconfig: controlPlane.kubeconfigPath, timeoutMs: 120_000 });

  beforeAll(async () => {
    controlPlane = await startControlPlane({ full: true });
  });

  afterAll(async () => {
    await controlPlane?.stop();
  });

  it('check before install says the CRDs and controllers are missing, and get names the controller to install', async () => {
    const check = await fluxion('check');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('✗ no Flux CRDs installed: run fluxion install');
    const get = await fluxion('get', 'ks', '-A');
    expect(get.code).toBe(1);
    expect(get.stderr).toContain('kustomize-controller is not installed (fluxion install --components kustomize)');
  });

  it('installs the chosen controllers; check passes once their Deployments are ready; version shows their images', async () => {
    const installed = await fluxion('install', '--components', 'source,kustomize', '-n', 'fluxion-system');
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toContain('installed: source-controller, kustomize-controller');
    const check = await pollUntil(
      'fluxion check passes',
      async () => {
        const result = await fluxion('check', '-n', 'fluxion-system');
        return result.code === 0 ? result : undefined;
      },
      90_000,
    );
    expect(check.stdout).toContain('✔ gitrepositories.source.toolkit.fluxcd.io v1');
    expect(check.stdout).toMatch(
      /✔ source-controller: deployment fluxion-system\/source-controller 1\/1 replicas ready/,
    );
    expect(check.stdout).toMatch(
      /✔ kustomize-controller: deployment fluxion-system\/kustomize-controller 1\/1 replicas ready/,
    );
    // the chart installs every CRD; a controller left out has its CRDs but no Deployment
    expect(check.stdout).toMatch(/! helm-controller: CRDs installed but no Deployment found/);
    const version = await fluxion('version', '-n', 'fluxion-system');
    expect(version.stdout).toMatch(/^source-controller: \S+$/m);
    // kwok's pods run no process: logs finds them through the Deployments and says so per pod, without failing
    const logs = await fluxion('logs', '--kind', 'Kustomization');
    expect(logs.code).toBe(0);
    expect(logs.stderr).toMatch(/kustomize-controller: no logs from pod kustomize-controller-/);
  });
});
