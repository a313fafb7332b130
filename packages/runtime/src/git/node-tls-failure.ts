// Recognises why Node could not talk TLS to a git server, in the same terms as git-tls-failure.ts does for git's
// stderr: the server's certificate is not trusted, the server refused us, or our client certificate is unusable.
import type { GitTlsSettings, TlsFailure } from './git-tls-failure.ts';

// OpenSSL's verification results as Node names them, plus Node's own host name check.
const verificationCode =
  /^(UNABLE_TO_|CERT_|CRL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|INVALID_CA|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE|HOSTNAME_MISMATCH|ERR_TLS_CERT_ALTNAME_INVALID|ERROR_IN_CERT)/;

// A TLS alert the server sent, e.g. ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED or ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE.
const serverAlertCode = /^ERR_SSL_(?:TLSV13|TLSV1|SSLV3)_ALERT_([A-Z_]+)$/;

// The socket went away while (or right after) the handshake: on a first request to an https server, a refusal.
const droppedCode = /^(ECONNRESET|EPIPE|ERR_SSL_UNEXPECTED_EOF_WHILE_READING)$/;

const closedDuringHandshake = 'the server closed the connection during the TLS handshake';

export function untrustedServerHint(settings: GitTlsSettings): string {
  return settings.caCert
    ? "is ca.crt in the Secret in spec.secretRef the CA that signed the server's certificate?"
    : "put the CA that signed the server's certificate in ca.crt of the Secret in spec.secretRef";
}

export function refusedByServerHint(settings: GitTlsSettings): string {
  return settings.clientCertificate
    ? 'the server may not accept the client certificate in tls.crt of the Secret in spec.secretRef'
    : 'the server may require a client certificate: put it in tls.crt and tls.key of the Secret in spec.secretRef';
}

export const unusableClientCertificateHint =
  'tls.crt and tls.key in the Secret in spec.secretRef must be a PEM certificate and the unencrypted private key that belongs to it';

/** The TLS failure a Node socket error stands for, or undefined when it is not about TLS. */
export function recogniseNodeTlsFailure(
  error: unknown,
  context: { https: boolean; beforeResponse: boolean; settings: GitTlsSettings },
): TlsFailure | undefined {
  if (!context.https || !(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (verificationCode.test(code)) {
    return {
      kind: 'untrusted-server',
      // Node's advice on its own flags means nothing to whoever edits the GitRepository.
      cause: `server certificate verification failed: ${error.message.replace(/; if the root CA is installed locally.*$/, '')}`,
      hint: untrustedServerHint(context.settings),
    };
  }
  const alert = serverAlertCode.exec(code);
  if (alert) {
    return {
      kind: 'refused-by-server',
      cause: `TLS alert ${alert[1]!.toLowerCase().replace(/_/g, ' ')}`,
      hint: refusedByServerHint(context.settings),
    };
  }
  if (context.beforeResponse && (droppedCode.test(code) || error.message === 'socket hang up')) {
    return { kind: 'refused-by-server', cause: closedDuringHandshake, hint: refusedByServerHint(context.settings) };
  }
  return undefined;
}
