import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadKubeConfig } from './kube-config.ts';

const certPem = '-----BEGIN CERTIFICATE-----\nZXhlYy1jZXJ0\n-----END CERTIFICATE-----\n';
const keyPem = '-----BEGIN PRIVATE KEY-----\nZXhlYy1rZXk=\n-----END PRIVATE KEY-----\n';

/**
 * A credential plugin: counts its runs in $RUNS_FILE, saves what it was told in $INFO_FILE, and prints $REPLY
 * (with the apiVersion it was asked for) or fails with $FAIL on stderr.
 */
const pluginSource = `
import { appendFileSync, writeFileSync } from 'node:fs';
appendFileSync(process.env.RUNS_FILE, 'x');
writeFileSync(process.env.INFO_FILE, process.env.KUBERNETES_EXEC_INFO);
if (process.env.FAIL) { process.stderr.write(process.env.FAIL); process.exit(3); }
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
process.stdout.write(JSON.stringify({ apiVersion: process.env.REPLY_API_VERSION || info.apiVersion, kind: 'ExecCredential', status: JSON.parse(process.env.REPLY) }));
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exec-credential-test-'));
  writeFileSync(join(dir, 'plugin.mjs'), pluginSource);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const runs = (): number => readFileSync(join(dir, 'runs'), 'utf8').length;

function configWithPlugin(
  reply: Record<string, unknown>,
  extra: { env?: Record<string, string>; exec?: Record<string, unknown>; cluster?: Record<string, unknown> } = {},
): string {
  const env = {
    RUNS_FILE: join(dir, 'runs'),
    INFO_FILE: join(dir, 'info'),
    REPLY: JSON.stringify(reply),
    ...extra.env,
  };
  const path = join(dir, 'config');
  writeFileSync(
    path,
    stringify({
      clusters: [{ name: 'c', cluster: { server: 'https://api.example.test:6443', ...extra.cluster } }],
      users: [
        {
          name: 'u',
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: process.execPath,
              args: [join(dir, 'plugin.mjs')],
              env: Object.entries(env).map(([name, value]) => ({ name, value })),
              interactiveMode: 'Never',
              ...extra.exec,
            },
          },
        },
      ],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    }),
  );
  return path;
}

describe('exec credential plugins', () => {
  it('sends the token the plugin prints, and runs it again only once the credential has expired', async () => {
    const expiresSoon = new Date(Date.now() + 60 * 60_000).toISOString();
    const config = loadKubeConfig({
      kubeconfigPath: configWithPlugin({ token: 'exec-token', expirationTimestamp: expiresSoon }),
    });
    const [first, second] = await Promise.all([config.requestSettings(), config.requestSettings()]);
    expect(first.headers).toEqual({ Authorization: 'Bearer exec-token' });
    expect(second.headers).toEqual({ Authorization: 'Bearer exec-token' });
    await config.requestSettings();
    expect(runs()).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'info'), 'utf8'))).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false },
    });

    const expired = loadKubeConfig({
      kubeconfigPath: configWithPlugin({
        token: 'short-lived',
        expirationTimestamp: new Date(Date.now() - 1000).toISOString(),
      }),
    });
    await expired.requestSettings();
    await expired.requestSettings();
    expect(runs()).toBe(3);
  });

  it('uses a client certificate the plugin issues, keeping the TLS settings object while it is unchanged', async () => {
    const config = loadKubeConfig({
      kubeconfigPath: configWithPlugin({ clientCertificateData: certPem, clientKeyData: keyPem }),
    });
    const settings = await config.requestSettings();
    expect(settings.tls).toEqual({ cert: certPem, key: keyPem, rejectUnauthorized: true });
    expect(settings.headers).toEqual({});
    expect((await config.requestSettings()).tls).toBe(settings.tls);
  });

  it('tells the plugin about the cluster when provideClusterInfo is set', async () => {
    const path = configWithPlugin(
      { token: 't' },
      {
        exec: { provideClusterInfo: true },
        cluster: {
          'tls-server-name': 'kubernetes',
          extensions: [{ name: 'client.authentication.k8s.io/exec', extension: { audience: 'fluxion' } }],
        },
      },
    );
    await loadKubeConfig({ kubeconfigPath: path }).requestSettings();
    expect(JSON.parse(readFileSync(join(dir, 'info'), 'utf8')).spec).toEqual({
      interactive: false,
      cluster: {
        server: 'https://api.example.test:6443',
        'tls-server-name': 'kubernetes',
        config: { audience: 'fluxion' },
      },
    });
  });

  it('runs a command given as a path relative to the kubeconfig', async () => {
    writeFileSync(join(dir, 'get-token.sh'), `#!/bin/sh\nexec "${process.execPath}" "${join(dir, 'plugin.mjs')}"\n`);
    chmodSync(join(dir, 'get-token.sh'), 0o755);
    const path = configWithPlugin({ token: 'relative' }, { exec: { command: './get-token.sh', args: [] } });
    expect((await loadKubeConfig({ kubeconfigPath: path }).requestSettings()).headers).toEqual({
      Authorization: 'Bearer relative',
    });
  });

  it('names the kubeconfig field and shows the plugin stderr when it fails', async () => {
    const path = configWithPlugin({}, { env: { FAIL: 'login required: run `cloud auth login`' } });
    await expect(loadKubeConfig({ kubeconfigPath: path }).requestSettings()).rejects.toThrow(
      `${path}: users[name="u"].user.exec: "${process.execPath}" exited with code 3: login required: run \`cloud auth login\``,
    );
  });

  it('shows the install hint when the command does not exist', async () => {
    const path = configWithPlugin(
      {},
      {
        exec: {
          command: 'fluxion-no-such-plugin',
          installHint: 'install it with: brew install fluxion-no-such-plugin',
        },
      },
    );
    await expect(loadKubeConfig({ kubeconfigPath: path }).requestSettings()).rejects.toThrow(
      /user\.exec: cannot run "fluxion-no-such-plugin": .*ENOENT.*; install it with: brew install/,
    );
  });

  it('rejects an answer of another apiVersion, or without credentials', async () => {
    const wrongVersion = configWithPlugin(
      { token: 't' },
      { env: { REPLY_API_VERSION: 'client.authentication.k8s.io/v1beta1' } },
    );
    await expect(loadKubeConfig({ kubeconfigPath: wrongVersion }).requestSettings()).rejects.toThrow(
      /printed client\.authentication\.k8s\.io\/v1beta1 ExecCredential, expected client\.authentication\.k8s\.io\/v1 ExecCredential/,
    );
    const empty = configWithPlugin({});
    await expect(loadKubeConfig({ kubeconfigPath: empty }).requestSettings()).rejects.toThrow(
      /status has neither a token nor clientCertificateData and clientKeyData/,
    );
  });

  it('refuses a plugin that insists on a terminal', () => {
    const path = configWithPlugin({ token: 't' }, { exec: { interactiveMode: 'Always' } });
    expect(() => loadKubeConfig({ kubeconfigPath: path })).toThrow(
      /user\.exec\.interactiveMode: Always needs a terminal/,
    );
  });
});
