// Azure Event Hubs: the REST send-event call (`POST https://<namespace>/<hub>/messages`) with the event JSON as the
// body. Authorised by a SAS token signed with the key of a connection string in the address
// (`Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...;EntityPath=<hub>`), or by a bearer token (the
// Secret's token; then the address is the hub's name and channel the namespace, as Flux reads them).
import { createHmac } from 'node:crypto';
import { post } from './http-post.ts';
import type { Notifier, ProviderSettings } from './notifier.ts';
import { ProviderConfigError } from './provider-settings.ts';

/** SAS tokens are made for this long, and made again a minute before. */
const sasLifetimeSeconds = 3600;

interface Target {
  /** `https://<namespace host>/<hub>` (http for the local emulator). */
  resource: string;
  authorization: () => string;
}

export function azureEventHubNotifier(settings: ProviderSettings): Notifier {
  const target = settings.address.includes('SharedAccessKey') ? sasTarget(settings) : bearerTarget(settings);
  return {
    post: async (event, signal) => {
      await post(
        `${target.resource}/messages?timeout=60&api-version=2014-01`,
        JSON.stringify(event),
        {
          'content-type': 'application/atom+xml;type=entry;charset=utf-8',
          authorization: target.authorization(),
          ...settings.headers,
        },
        { timeoutMs: settings.timeoutMs, tls: settings.tls, proxy: settings.proxy, signal },
      );
    },
  };
}

function sasTarget(settings: ProviderSettings): Target {
  if (settings.token)
    throw new ProviderConfigError('the Secret has both a token and a SAS connection string as address: keep one');
  const fields = parseConnectionString(settings.address);
  const endpoint = fields.get('endpoint');
  const keyName = fields.get('sharedaccesskeyname');
  const key = fields.get('sharedaccesskey');
  const hub = fields.get('entitypath') || settings.channel;
  const missing = [
    !endpoint && 'Endpoint',
    !keyName && 'SharedAccessKeyName',
    !key && 'SharedAccessKey',
    !hub && 'EntityPath',
  ].filter(Boolean);
  if (missing.length)
    throw new ProviderConfigError(`the Event Hubs connection string in the address lacks ${missing.join(', ')}`);
  let host: string;
  try {
    host = new URL(endpoint!).host;
  } catch {
    throw new ProviderConfigError('the Endpoint of the Event Hubs connection string is not sb://<namespace host>/');
  }
  // the Event Hubs emulator speaks plain HTTP
  const scheme = fields.get('usedevelopmentemulator') === 'true' ? 'http' : 'https';
  const resource = `${scheme}://${host}/${hub}`;
  let cached: { value: string; expiresAt: number } | undefined;
  return {
    resource,
    authorization: () => {
      const now = Math.floor(Date.now() / 1000);
      if (!cached || now > cached.expiresAt - 60) {
        const expiresAt = now + sasLifetimeSeconds;
        cached = { value: sasToken(resource, keyName!, key!, expiresAt), expiresAt };
      }
      return cached.value;
    },
  };
}

function bearerTarget(settings: ProviderSettings): Target {
  if (!settings.token)
    throw new ProviderConfigError(
      'no credentials: give a SAS connection string as the address, or a token (a JWT for Event Hubs) in the Secret; workload identity is not supported yet',
    );
  const hub = settings.address;
  const namespace = settings.channel;
  if (!hub || !namespace)
    throw new ProviderConfigError(
      'with a token, spec.address must be the Event Hub name and spec.channel its namespace',
    );
  // a bare namespace name is in Azure's public cloud; a host or URL names another (sovereign clouds, a proxy)
  const base = /^https?:\/\//.test(namespace)
    ? namespace.replace(/\/+$/, '')
    : `https://${namespace.includes('.') ? namespace : `${namespace}.servicebus.windows.net`}`;
  return { resource: `${base}/${hub}`, authorization: () => `Bearer ${settings.token}` };
}

/** `Key=Value;...`, keys case-insensitive; values may contain `=` (base64 keys). */
export function parseConnectionString(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0) fields.set(part.slice(0, equals).trim().toLowerCase(), part.slice(equals + 1).trim());
  }
  return fields;
}

/** Azure's shared access signature: HMAC-SHA256 of the encoded resource URI and the expiry, with the key. */
export function sasToken(resource: string, keyName: string, key: string, expiresAt: number): string {
  const uri = encodeURIComponent(resource.toLowerCase());
  const signature = createHmac('sha256', key).update(`${uri}\n${expiresAt}`).digest('base64');
  return `SharedAccessSignature sr=${uri}&sig=${encodeURIComponent(signature)}&se=${expiresAt}&skn=${keyName}`;
}
