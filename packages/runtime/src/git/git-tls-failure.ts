// Recognises why git could not talk TLS to a server (its certificate is not trusted, or it refused ours) in git's
// stderr, whichever TLS library git is built with, and says which key of the Secret in spec.secretRef to look at.
import { keyDirectoryPrefix } from './git-transport.ts';

/** What the fetch was given from the Secret: the hint differs when a CA or a client certificate is already set. */
export interface GitTlsSettings {
  caCert: boolean;
  clientCertificate: boolean;
}

export interface TlsFailure {
  /** git's own line that says what went wrong. */
  cause: string;
  /** What to change, naming the Secret's keys. */
  hint: string;
  kind: TlsFailureKind;
}

export type TlsFailureKind = 'untrusted-server' | 'refused-by-server' | 'unusable-client-certificate';

/** The start of a message about `host`, by kind of failure. */
export function tlsFailureHeadline(kind: TlsFailureKind, host: string): string {
  switch (kind) {
    case 'untrusted-server':
      return `TLS certificate of ${host} could not be verified`;
    case 'refused-by-server':
      return `${host} refused the TLS connection`;
    case 'unusable-client-certificate':
      return `the client certificate for ${host} could not be used`;
  }
}

// The server's certificate could not be verified (GnuTLS and OpenSSL builds of git word it differently).
const untrustedServer = [
  /server certificate verification failed/i,
  /SSL certificate problem/i,
  /certificate (is not trusted|signer not found|has expired)/i,
  /no alternative certificate subject name matches/i,
  /SSL: certificate subject name .* does not match/i,
  /SSL peer certificate or SSH remote key was not OK/i,
];

// The server ended the handshake: it wanted a client certificate, or did not accept the one it got.
const refusedByServer = [
  /gnutls_handshake\(\) failed/i,
  /GnuTLS recv error/i,
  /TLS fatal alert/i,
  /TLS connection was non-properly terminated/i,
  /alert (certificate required|unknown ca|bad certificate|handshake failure|certificate unknown|access denied)/i,
  /OpenSSL SSL_(read|write|connect)/i,
];

// A server that drops the connection right after the TLS 1.3 handshake leaves only socket errors behind; they
// mean a refusal only on the first request to an https server (a later one already got through).
const droppedAfterHandshake = [
  /connection reset by peer/i,
  /broken pipe/i,
  /getpeername\(\) failed/i,
  /transport endpoint is not connected/i,
  /empty reply from server/i,
];

const closedDuringHandshake = 'the server closed the connection during the TLS handshake';

const problemLoadingClientCertificate =
  /could not load PEM client certificate|unable to set private key file|error reading X\.509 key or certificate file|unable to use client certificate/i;

// mkdtemp adds six characters to the prefix.
const keyFilePath = new RegExp(`\\S*/${keyDirectoryPrefix}[A-Za-z0-9]{6}/([\\w.]+)`, 'g');

export function recogniseTlsFailure(
  stderr: string,
  context: { url: string; firstRequest: boolean; settings: GitTlsSettings },
): TlsFailure | undefined {
  if (!context.url.startsWith('https:')) return undefined;
  const lines = stderr
    .split('\n')
    .map((line) => tidy(line, context.url))
    .filter((line) => line !== '');
  const find = (patterns: RegExp[]) => lines.find((line) => patterns.some((pattern) => pattern.test(line)));

  const badClientCertificate = lines.find((line) => problemLoadingClientCertificate.test(line));
  if (badClientCertificate) {
    return {
      kind: 'unusable-client-certificate',
      cause: badClientCertificate,
      hint: 'tls.crt and tls.key in the Secret in spec.secretRef must be a PEM certificate and the unencrypted private key that belongs to it',
    };
  }
  const untrusted = find(untrustedServer);
  if (untrusted) {
    const hint = context.settings.caCert
      ? "is ca.crt in the Secret in spec.secretRef the CA that signed the server's certificate?"
      : "put the CA that signed the server's certificate in ca.crt of the Secret in spec.secretRef";
    return { kind: 'untrusted-server', cause: untrusted, hint };
  }
  const refused = find(refusedByServer) ?? (context.firstRequest ? find(droppedAfterHandshake) : undefined);
  if (refused) {
    const hint = context.settings.clientCertificate
      ? 'the server may not accept the client certificate in tls.crt of the Secret in spec.secretRef'
      : 'the server may require a client certificate: put it in tls.crt and tls.key of the Secret in spec.secretRef';
    // Which of these lines git prints depends on timing; one wording keeps the condition stable across retries,
    // unless the line names the alert the server sent (OpenSSL builds do), which says more.
    const cause =
      /alert [a-z]/i.test(refused) && !/fatal alert has been received/i.test(refused) ? refused : closedDuringHandshake;
    return { kind: 'refused-by-server', cause, hint };
  }
  return undefined;
}

// git's line without what the message says already (the repository's own URL) or what changes on every attempt
// (the path of the CA file written for this fetch), so retries keep one stable condition message.
function tidy(line: string, url: string): string {
  let text = line.trim().replace(/^(fatal|error):\s*/, '');
  const access = /^unable to access '([^']*)':\s*/.exec(text);
  if (access && access[1]!.startsWith(url.replace(/\/+$/, ''))) text = text.slice(access[0].length);
  return text
    .replace(/\s*CAfile: \S+ CRLfile: \S+/, '')
    .replace(keyFilePath, '$1')
    .trim()
    .replace(/\.$/, '');
}
