import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareGitTransport, systemCaBundle } from './git-transport.ts';

const url = 'https://git.example.com:8443/org/repo.git';
const caCert = '-----BEGIN CERTIFICATE-----\nPRIVATECA\n-----END CERTIFICATE-----';
const clientCert = '-----BEGIN CERTIFICATE-----\nCLIENTCERT\n-----END CERTIFICATE-----';
const clientKey = '-----BEGIN PRIVATE KEY-----\nCLIENTKEYMATERIAL\n-----END PRIVATE KEY-----';

function gitConfigOf(env: Record<string, string>): Map<string, string> {
  const config = new Map<string, string>();
  for (let index = 0; index < Number(env.GIT_CONFIG_COUNT); index++)
    config.set(env[`GIT_CONFIG_KEY_${index}`]!, env[`GIT_CONFIG_VALUE_${index}`]!);
  return config;
}

describe('prepareGitTransport with TLS material', () => {
  let scratch: string;
  let savedCertFile: string | undefined;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'git-auth-test-'));
    savedCertFile = process.env.SSL_CERT_FILE;
    process.env.SSL_CERT_FILE = join(scratch, 'system.pem');
    writeFileSync(process.env.SSL_CERT_FILE, '-----BEGIN CERTIFICATE-----\nSYSTEMROOT\n-----END CERTIFICATE-----\n');
  });
  afterEach(() => {
    if (savedCertFile === undefined) delete process.env.SSL_CERT_FILE;
    else process.env.SSL_CERT_FILE = savedCertFile;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('hands git file paths scoped to the origin, never the PEMs, and removes the files afterwards', async () => {
    const transport = await prepareGitTransport(url, undefined, {}, { tls: { caCert, clientCert, clientKey } });
    const config = gitConfigOf(transport.env);
    const caFile = config.get('http.https://git.example.com:8443/.sslCAInfo')!;
    const certFile = config.get('http.https://git.example.com:8443/.sslCert')!;
    const keyFile = config.get('http.https://git.example.com:8443/.sslKey')!;
    expect([...config.keys()]).toHaveLength(3);
    expect(JSON.stringify(transport.env)).not.toContain('CLIENTKEYMATERIAL');
    expect(readFileSync(certFile, 'utf8')).toBe(`${clientCert}\n`);
    expect(readFileSync(keyFile, 'utf8')).toBe(`${clientKey}\n`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // ca.crt is trusted in addition to the system's CAs, as Flux does, not instead of them.
    const bundle = readFileSync(caFile, 'utf8');
    expect(bundle).toContain('SYSTEMROOT');
    expect(bundle).toContain('PRIVATECA');
    await transport.cleanup();
    expect(existsSync(keyFile)).toBe(false);
    expect(existsSync(caFile)).toBe(false);
  });

  it('reads the system bundle from SSL_CERT_FILE, and is empty where there is none', async () => {
    expect(await systemCaBundle()).toContain('SYSTEMROOT');
    expect(await systemCaBundle({ SSL_CERT_FILE: join(scratch, 'missing.pem') })).not.toContain('SYSTEMROOT');
  });

  it('refuses TLS material on a plain http URL and a certificate without its key', async () => {
    await expect(
      prepareGitTransport('http://git.example.com/repo.git', undefined, {}, { tls: { caCert } }),
    ).rejects.toThrow(/needs an https URL, not 'http:\/\/git\.example\.com\/repo\.git'/);
    await expect(prepareGitTransport(url, undefined, {}, { tls: { clientCert } })).rejects.toThrow(
      /must hold both tls\.crt and tls\.key/,
    );
  });
});
