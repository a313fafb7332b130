import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toRestConfig } from './client-node-kube-config.ts';
import { KubeConfigError, kubeConfigFromString, loadKubeConfig } from './kube-config.ts';
import { TokenFileSource } from './token-file-source.ts';

const caPem = '-----BEGIN CERTIFICATE-----\nY2EtY2VydA==\n-----END CERTIFICATE-----\n';
const certPem = '-----BEGIN CERTIFICATE-----\nY2xpZW50LWNlcnQ=\n-----END CERTIFICATE-----\n';
const keyPem = '-----BEGIN PRIVATE KEY-----\nY2xpZW50LWtleQ==\n-----END PRIVATE KEY-----\n';
const base64 = (text: string): string => Buffer.from(text).toString('base64');

/** A kubeconfig with one context, `ctx`, joining `cluster` and `user`. */
function kubeconfig(
  cluster: Record<string, unknown>,
  user: Record<string, unknown>,
  context: Record<string, unknown> = {},
): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://api.example.test:6443', ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', ...context } }],
    'current-context': 'ctx',
  });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kube-config-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadKubeConfig from a file', () => {
  it('impersonates the user, uid and group named by as, as-uid and as-groups, as kubectl does', async () => {
    const path = writeFile(
      'as-config',
      kubeconfig({}, { token: 't', as: 'system:serviceaccount:apps:deployer', 'as-uid': '42', 'as-groups': ['ops'] }),
    );
    const settings = await loadKubeConfig({ kubeconfigPath: path }).requestSettings();
    expect(settings.headers).toEqual({
      Authorization: 'Bearer t',
      'Impersonate-User': 'system:serviceaccount:apps:deployer',
      'Impersonate-Uid': '42',
      'Impersonate-Group': 'ops',
    });
  });

  it('uses the context named by --context instead of current-context, and names the contexts when it is missing', () => {
    const text = stringify({
      clusters: [
        { name: 'c', cluster: { server: 'https://one.example.test:6443' } },
        { name: 'd', cluster: { server: 'https://two.example.test:6443' } },
      ],
      contexts: [
        { name: 'ctx', context: { cluster: 'c' } },
        { name: 'staging', context: { cluster: 'd', namespace: 'apps' } },
      ],
      'current-context': 'ctx',
    });
    const path = writeFile('contexts', text);
    expect(loadKubeConfig({ kubeconfigPath: path, context: 'staging' })).toMatchObject({
      server: 'https://two.example.test:6443',
      contextName: 'staging',
      namespace: 'apps',
    });
    expect(() => loadKubeConfig({ kubeconfigPath: path, context: 'prod' })).toThrow(
      /no context named "prod" \(contexts: ctx, staging\)/,
    );
  });

  it('sends the token and trusts the CA from the data fields, with the context namespace and TLS server name', async () => {
    const path = writeFile(
      'config',
      kubeconfig(
        { 'certificate-authority-data': base64(caPem), 'tls-server-name': 'kubernetes' },
        { token: 'abc123' },
        { namespace: 'apps' },
      ),
    );
    const config = loadKubeConfig({ kubeconfigPath: path });
    expect(config).toMatchObject({ server: 'https://api.example.test:6443', contextName: 'ctx', namespace: 'apps' });
    const settings = await config.requestSettings();
    expect(settings.headers).toEqual({ Authorization: 'Bearer abc123' });
    expect(settings.tls).toEqual({ ca: caPem, rejectUnauthorized: true, servername: 'kubernetes' });
  });

  it('reads CA and client certificate files relative to the kubeconfig, as kubectl does', async () => {
    mkdirSync(join(dir, 'pki'));
    writeFile('pki/ca.crt', caPem);
    writeFile('pki/client.crt', certPem);
    writeFile('pki/client.key', keyPem);
    const path = writeFile(
      'config',
      kubeconfig(
        { 'certificate-authority': 'pki/ca.crt' },
        { 'client-certificate': 'pki/client.crt', 'client-key': join(dir, 'pki/client.key') },
      ),
    );
    const settings = await loadKubeConfig({ kubeconfigPath: path }).requestSettings();
    expect(settings.tls).toEqual({ ca: caPem, cert: certPem, key: keyPem, rejectUnauthorized: true });
    expect(settings.headers).toEqual({});
  });

  it('takes client certificates from -data fields, and basic auth from username and password', async () => {
    const config = kubeConfigFromString(
      kubeconfig(
        { 'insecure-skip-tls-verify': true },
        {
          'client-certificate-data': base64(certPem),
          'client-key-data': base64(keyPem),
          username: 'admin',
          password: 's3cret',
        },
      ),
    );
    const settings = await config.requestSettings();
    expect(settings.tls).toEqual({ cert: certPem, key: keyPem, rejectUnauthorized: false });
    expect(settings.headers).toEqual({ Authorization: `Basic ${base64('admin:s3cret')}` });
  });

  it('reads tokenFile relative to the kubeconfig', async () => {
    writeFile('token', 'from-file\n');
    const settings = await loadKubeConfig({
      kubeconfigPath: writeFile('config', kubeconfig({}, { tokenFile: 'token' })),
    }).requestSettings();
    expect(settings.headers).toEqual({ Authorization: 'Bearer from-file' });
  });

  it('merges the files KUBECONFIG lists: the first definition of a name wins, missing files are skipped', async () => {
    const first = writeFile(
      'first',
      stringify({ users: [{ name: 'u', user: { token: 'first-token' } }], 'current-context': 'ctx' }),
    );
    const second = writeFile('second', kubeconfig({}, { token: 'second-token' }, { namespace: 'from-second' }));
    const config = loadKubeConfig({ env: { KUBECONFIG: [join(dir, 'missing'), first, second].join(':') } });
    expect(config.namespace).toBe('from-second');
    expect((await config.requestSettings()).headers).toEqual({ Authorization: 'Bearer first-token' });
  });

  it('prefers --kubeconfig over KUBECONFIG, and KUBECONFIG over the in-cluster config and ~/.kube/config', () => {
    const flagFile = writeFile('flag', kubeconfig({ server: 'https://flag.test' }, {}));
    const variableFile = writeFile('variable', kubeconfig({ server: 'https://variable.test' }, {}));
    mkdirSync(join(dir, 'home/.kube'), { recursive: true });
    writeFile('home/.kube/config', kubeconfig({ server: 'https://home.test' }, {}));
    const serviceAccountDir = serviceAccount();
    const env = { KUBECONFIG: variableFile, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const homeDir = join(dir, 'home');
    expect(loadKubeConfig({ kubeconfigPath: flagFile, env, serviceAccountDir, homeDir }).server).toBe(
      'https://flag.test',
    );
    expect(loadKubeConfig({ env, serviceAccountDir, homeDir }).server).toBe('https://variable.test');
    expect(loadKubeConfig({ env: { ...env, KUBECONFIG: '' }, serviceAccountDir, homeDir }).server).toBe(
      'https://10.96.0.1:443',
    );
    expect(loadKubeConfig({ env: {}, serviceAccountDir, homeDir }).server).toBe('https://home.test');
    expect(() => loadKubeConfig({ env: {}, serviceAccountDir, homeDir: join(dir, 'nowhere') })).toThrow(
      /no kubeconfig: KUBECONFIG is not set.*\.kube\/config does not exist/,
    );
  });

  function serviceAccount(token = 'sa-token'): string {
    const saDir = join(dir, 'serviceaccount');
    mkdirSync(saDir, { recursive: true });
    writeFileSync(join(saDir, 'token'), token);
    writeFileSync(join(saDir, 'ca.crt'), caPem);
    writeFileSync(join(saDir, 'namespace'), 'flux-system\n');
    return saDir;
  }

  it('in a pod: the service host and port, the ServiceAccount token and CA, and its namespace', async () => {
    const config = loadKubeConfig({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' },
      serviceAccountDir: serviceAccount(),
    });
    expect(config).toMatchObject({
      server: 'https://[fd00::1]:6443',
      namespace: 'flux-system',
      contextName: 'in-cluster',
    });
    const settings = await config.requestSettings();
    expect(settings.headers).toEqual({ Authorization: 'Bearer sa-token' });
    expect(settings.tls).toEqual({ ca: caPem, rejectUnauthorized: true });
  });
});

describe('token files', () => {
  it('picks up a rotated token once the re-read interval has passed, and keeps the old one while the file is briefly gone', async () => {
    const path = writeFile('token', 'first');
    const source = new TokenFileSource(path, 'test', { rereadMs: 0 });
    expect(await source.current()).toEqual({ headers: { Authorization: 'Bearer first' } });
    writeFileSync(path, 'rotated');
    expect(await source.current()).toEqual({ headers: { Authorization: 'Bearer rotated' } });
    rmSync(path);
    expect(await source.current()).toEqual({ headers: { Authorization: 'Bearer rotated' } });
  });

  it('caches the token within the interval', async () => {
    const path = writeFile('token', 'first');
    const source = new TokenFileSource(path, 'test', { rereadMs: 60_000 });
    await source.current();
    writeFileSync(path, 'rotated');
    expect(await source.current()).toEqual({ headers: { Authorization: 'Bearer first' } });
  });

  it('names the field and file when the token cannot be read', async () => {
    const path = writeFile('config', kubeconfig({}, { tokenFile: 'absent-token' }));
    await expect(loadKubeConfig({ kubeconfigPath: path }).requestSettings()).rejects.toThrow(
      `${path}: users[name="u"].user.tokenFile: cannot read token file ${join(dir, 'absent-token')}`,
    );
  });
});

describe('kubeconfig errors name the file and field', () => {
  const cases: [string, string, RegExp][] = [
    [
      'gcp auth provider',
      kubeconfig({}, { 'auth-provider': { name: 'gcp', config: {} } }),
      /config: users\[name="u"\]\.user\.auth-provider: "gcp" is not supported.*exec credential plugin/,
    ],
    [
      'oidc auth provider',
      kubeconfig({}, { 'auth-provider': { name: 'oidc' } }),
      /users\[name="u"\]\.user\.auth-provider: "oidc" is not supported/,
    ],
    ['no server', kubeconfig({ server: '' }, {}), /config: clusters\[name="c"\]\.cluster\.server: not set/],
    [
      'a server that is no URL',
      kubeconfig({ server: 'api.example.test:6443' }, {}),
      /clusters\[name="c"\]\.cluster\.server: "api\.example\.test:6443" must start with https:\/\/ or http:\/\//,
    ],
    [
      'a proxy',
      kubeconfig({ 'proxy-url': 'http://proxy:3128' }, {}),
      /clusters\[name="c"\]\.cluster\.proxy-url: is not supported/,
    ],
    [
      'a certificate without a key',
      kubeconfig({}, { 'client-certificate-data': base64(certPem) }),
      /users\[name="u"\]\.user\.client-key: a client certificate needs both/,
    ],
    [
      'token and basic auth',
      kubeconfig({}, { token: 't', username: 'u', password: 'p' }),
      /users\[name="u"\]\.user\.username: set either a bearer token/,
    ],
    [
      'impersonation extras',
      kubeconfig({}, { as: 'someone', 'as-user-extra': { a: ['b'] } }),
      /users\[name="u"\]\.user\.as-user-extra: is not supported/,
    ],
    [
      'a missing CA file',
      kubeconfig({ 'certificate-authority': 'nope.crt' }, {}),
      /clusters\[name="c"\]\.cluster\.certificate-authority: cannot read .*nope\.crt/,
    ],
    [
      'a context naming no cluster',
      kubeconfig({}, {}, { cluster: 'other' }),
      /contexts\[name="ctx"\]\.context\.cluster: no cluster named "other"/,
    ],
    [
      'no current context',
      stringify({ contexts: [{ name: 'a', context: { cluster: 'c' } }] }),
      /config: current-context: not set; name one of the contexts \(a\)/,
    ],
    [
      'an unsupported exec API version',
      kubeconfig({}, { exec: { apiVersion: 'client.authentication.k8s.io/v1alpha1', command: 'x' } }),
      /users\[name="u"\]\.user\.exec\.apiVersion: "client\.authentication\.k8s\.io\/v1alpha1" is not supported/,
    ],
    ['not YAML', 'clusters: [', /config: not a valid kubeconfig/],
  ];
  it.each(cases)('%s', (_, text, message) => {
    const path = writeFile('config', text);
    expect(() => loadKubeConfig({ kubeconfigPath: path })).toThrow(KubeConfigError);
    expect(() => loadKubeConfig({ kubeconfigPath: path })).toThrow(message);
  });

  it('refuses exec plugins in a kubeconfig from a Secret unless allowed, and insecure TLS when told to', () => {
    const withExec = kubeconfig({}, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'get-token' } });
    expect(() => kubeConfigFromString(withExec, 'Secret/apps/remote')).toThrow(
      'Secret/apps/remote: users[name="u"].user.exec: credential plugins are not allowed for this kubeconfig',
    );
    expect(kubeConfigFromString(withExec, 'Secret/apps/remote', { allowExec: true }).server).toBe(
      'https://api.example.test:6443',
    );
    expect(() =>
      kubeConfigFromString(kubeconfig({ 'insecure-skip-tls-verify': true }, {}), 'Secret/apps/remote', {
        allowInsecureTls: false,
      }),
    ).toThrow('Secret/apps/remote: clusters[name="c"].cluster.insecure-skip-tls-verify: is not allowed');
  });
});

describe('a client-node KubeConfig', () => {
  it('is used as it is: its server, namespace, token and TLS settings', async () => {
    const clientNodeConfig = new KubeConfig();
    clientNodeConfig.loadFromString(
      kubeconfig({ 'certificate-authority-data': base64(caPem) }, { token: 'cn-token' }, { namespace: 'apps' }),
    );
    const config = toRestConfig(clientNodeConfig);
    expect(config).toMatchObject({ server: 'https://api.example.test:6443', namespace: 'apps' });
    expect(toRestConfig(clientNodeConfig)).toBe(config);
    const settings = await config.requestSettings();
    expect(settings.headers).toMatchObject({ Authorization: 'Bearer cn-token' });
    expect(settings.tls).toMatchObject({ ca: caPem, rejectUnauthorized: true });
    // unchanged material keeps its identity, so a transport keeps its agent
    expect((await config.requestSettings()).tls).toBe(settings.tls);
  });
});
