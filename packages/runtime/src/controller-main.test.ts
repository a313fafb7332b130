import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControllerProcess, kubeconfigFlag, runControllerMain } from './controller-main.ts';
import { FlagSet, intFlag, runtimeFlags } from './flags.ts';

// The kubeconfig is only read: nothing here talks to an API server (no leader election, no /readyz request).
const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`;

const flagSet = new FlagSet('widget-controller', runtimeFlags).with({
  kubeconfig: kubeconfigFlag,
  'widget-limit': intFlag(3, 'How many widgets.'),
});
type Wired = ControllerProcess<typeof flagSet.definitions>;

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'controller-main-'));
  writeFileSync(join(directory, 'kubeconfig'), kubeconfig);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const quiet = ['--metrics-addr=0', '--health-addr=0', '--log-level=error'];

describe('runControllerMain', () => {
  it('gives wire the parsed flags, the runtime options and the watch scope, and runs the manager until stopped', async () => {
    let wired: Wired | undefined;
    const code = await runControllerMain({
      name: 'widget-controller',
      flagSet,
      argv: [
        ...quiet,
        `--kubeconfig=${join(directory, 'kubeconfig')}`,
        '--widget-limit=7',
        '--concurrent=2',
        '--watch-all-namespaces=false',
        '--watch-label-selector=shard=a',
      ],
      wire: (process) => {
        wired = process;
        process.manager.addRunnable({ name: 'stop-at-once', start: () => void process.manager.stop() });
      },
    });
    expect(code).toBe(0);
    expect(wired?.flags['widget-limit']).toBe(7);
    expect(wired?.runtime.concurrency).toBe(2);
    expect(wired?.watch.labelSelector).toBe('shard=a');
    expect(wired?.watch.namespace).toEqual(expect.any(String));
    expect(wired?.manager.name).toBe('widget-controller');
  });

  it('watches every namespace by default', async () => {
    let watch: Wired['watch'] | undefined;
    await runControllerMain({
      name: 'widget-controller',
      flagSet,
      argv: [...quiet, `--kubeconfig=${join(directory, 'kubeconfig')}`],
      wire: (process) => {
        watch = process.watch;
        process.manager.addRunnable({ name: 'stop-at-once', start: () => void process.manager.stop() });
      },
    });
    expect(watch).toEqual({ namespace: undefined, labelSelector: undefined });
  });

  it('returns 1 without wiring anything when the kubeconfig cannot be read', async () => {
    let wired = false;
    const code = await runControllerMain({
      name: 'widget-controller',
      flagSet,
      argv: [...quiet, `--kubeconfig=${join(directory, 'missing')}`],
      wire: () => {
        wired = true;
      },
    });
    expect(code).toBe(1);
    expect(wired).toBe(false);
  });

  it('returns 1 when wiring fails', async () => {
    const code = await runControllerMain({
      name: 'widget-controller',
      flagSet,
      argv: [...quiet, `--kubeconfig=${join(directory, 'kubeconfig')}`],
      wire: () => {
        throw new Error('no widgets today');
      },
    });
    expect(code).toBe(1);
  });
});
