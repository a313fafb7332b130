import { describe, expect, it } from 'vitest';
import { recogniseTlsFailure } from './git-tls-failure.ts';

const url = 'https://git.example.com:8443/team/app.git';
const noSecret = { caCert: false, clientCertificate: false };
const recognise = (
  stderr: string,
  options: { firstRequest?: boolean; settings?: typeof noSecret; url?: string } = {},
) =>
  recogniseTlsFailure(stderr, {
    url: options.url ?? url,
    firstRequest: options.firstRequest ?? true,
    settings: options.settings ?? noSecret,
  });

describe('recogniseTlsFailure', () => {
  it('recognises an untrusted server certificate from a GnuTLS build and drops the per-attempt CA path', () => {
    const failure = recognise(
      `fatal: unable to access '${url}/': server certificate verification failed. CAfile: /tmp/fluxion-git-Ab12Cd/ca.crt CRLfile: none\n`,
      { settings: { caCert: true, clientCertificate: false } },
    );
    expect(failure).toEqual({
      kind: 'untrusted-server',
      cause: 'server certificate verification failed',
      hint: "is ca.crt in the Secret in spec.secretRef the CA that signed the server's certificate?",
    });
  });

  it('recognises an untrusted server certificate from an OpenSSL build, and asks for ca.crt when none was given', () => {
    const failure = recognise(
      `fatal: unable to access '${url}/': SSL certificate problem: unable to get local issuer certificate\n`,
    );
    expect(failure?.kind).toBe('untrusted-server');
    expect(failure?.cause).toBe('SSL certificate problem: unable to get local issuer certificate');
    expect(failure?.hint).toContain("put the CA that signed the server's certificate in ca.crt");
  });

  it('recognises a handshake the server refused, with either library, in one wording unless an alert is named', () => {
    for (const line of [
      'GnuTLS recv error (-12): A TLS fatal alert has been received.',
      'gnutls_handshake() failed: Handshake failed',
      'GnuTLS recv error (-110): The TLS connection was non-properly terminated.',
      'getpeername() failed with errno 107: Transport endpoint is not connected',
    ]) {
      const failure = recognise(`fatal: unable to access '${url}/': ${line}\n`);
      expect(failure, line).toMatchObject({
        kind: 'refused-by-server',
        cause: 'the server closed the connection during the TLS handshake',
      });
      expect(failure?.hint).toContain('the server may require a client certificate: put it in tls.crt and tls.key');
    }
    const named = recognise(
      `fatal: unable to access '${url}/': OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0\n`,
    );
    expect(named?.cause).toBe(
      'OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0',
    );
    const withCertificate = recognise(
      `fatal: unable to access '${url}/': gnutls_handshake() failed: Handshake failed\n`,
      {
        settings: { caCert: true, clientCertificate: true },
      },
    );
    expect(withCertificate?.hint).toContain('may not accept the client certificate in tls.crt');
  });

  it('reads a dropped connection as a refusal only on the first request', () => {
    const stderr = `fatal: unable to access '${url}/': Recv failure: Connection reset by peer\n`;
    expect(recognise(stderr)?.kind).toBe('refused-by-server');
    expect(recognise(stderr, { firstRequest: false })).toBeUndefined();
  });

  it('names tls.crt and tls.key when git cannot load them, without the temp path', () => {
    const failure = recognise(
      `fatal: unable to access '${url}/': could not load PEM client certificate from /tmp/fluxion-git-x1Y2z3/tls.crt, OpenSSL error error:1E08010C:DECODER routines::unsupported\n`,
    );
    expect(failure?.kind).toBe('unusable-client-certificate');
    expect(failure?.cause).toBe(
      'could not load PEM client certificate from tls.crt, OpenSSL error error:1E08010C:DECODER routines::unsupported',
    );
    expect(recognise(`fatal: unable to access '${url}/': error reading X.509 key or certificate file\n`)?.kind).toBe(
      'unusable-client-certificate',
    );
  });

  it('keeps the URL when the failing one is another host (a submodule)', () => {
    const failure = recognise(
      "fatal: unable to access 'https://other.example.com/lib.git/': server certificate verification failed. CAfile: none CRLfile: none\n",
    );
    expect(failure?.cause).toBe(
      "unable to access 'https://other.example.com/lib.git/': server certificate verification failed",
    );
  });

  it('ignores plain http and failures that are not about TLS', () => {
    expect(
      recognise('fatal: unable to access: server certificate verification failed.', {
        url: 'http://git.example.com/app.git',
      }),
    ).toBeUndefined();
    expect(recognise(`fatal: unable to access '${url}/': The requested URL returned error: 401\n`)).toBeUndefined();
    expect(
      recognise(
        `fatal: unable to access '${url}/': Failed to connect to git.example.com port 8443: Connection refused\n`,
      ),
    ).toBeUndefined();
  });
});
