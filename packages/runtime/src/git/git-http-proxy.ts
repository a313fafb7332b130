// Which proxy a git HTTP request goes through: spec.proxySecretRef first, else the environment as curl (and so git)
// reads it: https_proxy/HTTPS_PROXY for https, only lower-case http_proxy for http, ALL_PROXY last, NO_PROXY skips.
import type { GitProxy } from './git-transport.ts';

export interface ResolvedProxy {
  url: URL;
  /** `Proxy-Authorization` value, when the proxy has credentials. */
  authorization?: string;
}

export function proxyFor(
  target: URL,
  explicit: GitProxy | undefined,
  environment: NodeJS.ProcessEnv,
): ResolvedProxy | undefined {
  if (explicit) {
    const url = new URL(explicit.address);
    return withCredentials(url, explicit.username, explicit.password);
  }
  const https = target.protocol === 'https:';
  const candidate =
    (https ? (environment.https_proxy ?? environment.HTTPS_PROXY) : environment.http_proxy) ??
    environment.all_proxy ??
    environment.ALL_PROXY;
  if (!candidate || bypassed(target, environment.no_proxy ?? environment.NO_PROXY)) return undefined;
  // curl takes a bare host:port as an http proxy.
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate) ? candidate : `http://${candidate}`);
  return withCredentials(url, decodeURIComponent(url.username), decodeURIComponent(url.password));
}

function withCredentials(url: URL, username: string | undefined, password: string | undefined): ResolvedProxy {
  const clean = new URL(url.toString());
  clean.username = '';
  clean.password = '';
  if (!username) return { url: clean };
  return {
    url: clean,
    authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`,
  };
}

// NO_PROXY: '*', or comma-separated hosts and domains (a leading dot optional), matched on the host name's suffix.
function bypassed(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return noProxy
    .split(/[,\s]+/)
    .map((entry) =>
      entry
        .trim()
        .toLowerCase()
        .replace(/^\*?\./, ''),
    )
    .filter((entry) => entry !== '')
    .some((entry) => entry === '*' || host === entry.replace(/:\d+$/, '') || host.endsWith(`.${entry}`));
}
