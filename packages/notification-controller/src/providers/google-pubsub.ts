// Google Pub/Sub: the REST publish call (`projects/<address>/topics/<channel>:publish`) with the event JSON as the
// message's base64 data and the Secret's headers as its attributes. Credentials: the Secret's token is a service
// account key (JSON), exchanged for an access token with a signed JWT, or an authorized_user JSON (refresh token);
// without one, the metadata server's token (GKE workload identity, GCE_METADATA_HOST to point elsewhere).
// PUBSUB_EMULATOR_HOST sends to an emulator over plain HTTP, as Google's libraries do.
import { createSign } from 'node:crypto';
import type { FluxEvent } from '../flux-event.ts';
import { post, postJson } from './http-post.ts';
import { DeliveryError, type Notifier, type ProviderSettings } from './notifier.ts';
import { ProviderConfigError } from './provider-settings.ts';

const pubsubScope = 'https://www.googleapis.com/auth/pubsub';
const defaultTokenUri = 'https://oauth2.googleapis.com/token';

interface Credentials {
  type?: string;
  client_email?: string;
  private_key?: string;
  private_key_id?: string;
  token_uri?: string;
  client_id?: string;
  client_secret?: string;
  refresh_token?: string;
}

/** The publish request body for one event. */
export function pubsubPublishBody(event: FluxEvent, attributes: Record<string, string>): unknown {
  const data = Buffer.from(JSON.stringify(event)).toString('base64');
  return { messages: [{ data, ...(Object.keys(attributes).length ? { attributes } : {}) }] };
}

export function googlePubSubNotifier(settings: ProviderSettings): Notifier {
  const project = settings.address;
  const topic = settings.channel;
  if (!project) throw new ProviderConfigError('spec.address must be the GCP project id of the Pub/Sub topic');
  if (!topic) throw new ProviderConfigError('spec.channel must be the Pub/Sub topic id');
  const credentials = settings.token ? parseCredentials(settings.token) : undefined;
  const emulator = process.env['PUBSUB_EMULATOR_HOST'];
  const base = emulator ? `http://${emulator}` : 'https://pubsub.googleapis.com';
  const url = `${base}/v1/projects/${encodeURIComponent(project)}/topics/${encodeURIComponent(topic)}:publish`;
  const tokens = new AccessTokens(settings, credentials);
  return {
    post: async (event, signal) => {
      // an emulator takes no credentials, unless some were given
      const token = emulator && !credentials ? undefined : await tokens.get(signal);
      await postJson(url, pubsubPublishBody(event, settings.headers), {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        timeoutMs: settings.timeoutMs,
        tls: settings.tls,
        signal,
      });
    },
  };
}

function parseCredentials(text: string): Credentials {
  let parsed: Credentials;
  try {
    parsed = JSON.parse(text) as Credentials;
  } catch {
    throw new ProviderConfigError('the Secret key token is not JSON credentials (a service account key)');
  }
  if (parsed.type === 'service_account' && parsed.client_email && parsed.private_key) return parsed;
  if (parsed.type === 'authorized_user' && parsed.refresh_token && parsed.client_id) return parsed;
  throw new ProviderConfigError(
    `the Secret key token holds ${parsed.type ?? 'untyped'} credentials; supported: service_account (client_email, private_key), authorized_user (refresh_token)`,
  );
}

/** Access tokens, fetched when needed and reused until a minute before they expire. */
class AccessTokens {
  readonly #settings: ProviderSettings;
  readonly #credentials: Credentials | undefined;
  #token: { value: string; expiresAt: number } | undefined;

  constructor(settings: ProviderSettings, credentials: Credentials | undefined) {
    this.#settings = settings;
    this.#credentials = credentials;
  }

  async get(signal: AbortSignal): Promise<string> {
    if (this.#token && Date.now() < this.#token.expiresAt - 60_000) return this.#token.value;
    const answer = await this.#fetch(signal);
    let parsed: { access_token?: string; expires_in?: number };
    try {
      parsed = JSON.parse(answer) as typeof parsed;
    } catch {
      parsed = {};
    }
    if (!parsed.access_token)
      throw new DeliveryError('the Google token endpoint answered without an access_token', { retryable: true });
    this.#token = { value: parsed.access_token, expiresAt: Date.now() + (parsed.expires_in ?? 3600) * 1000 };
    return parsed.access_token;
  }

  async #fetch(signal: AbortSignal): Promise<string> {
    const options = { timeoutMs: this.#settings.timeoutMs, tls: this.#settings.tls, signal };
    const credentials = this.#credentials;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    if (credentials?.type === 'service_account') {
      const tokenUri = credentials.token_uri || defaultTokenUri;
      const assertion = signedAssertion(credentials, tokenUri);
      const body = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
      return (await post(tokenUri, body.toString(), form, options)).body;
    }
    if (credentials?.type === 'authorized_user') {
      const body = new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: credentials.client_id ?? '',
        client_secret: credentials.client_secret ?? '',
        refresh_token: credentials.refresh_token ?? '',
      });
      return (await post(credentials.token_uri || defaultTokenUri, body.toString(), form, options)).body;
    }
    // no key in the Secret: the workload's identity, from the metadata server
    const host = process.env['GCE_METADATA_HOST'] || 'metadata.google.internal';
    const url = `http://${host}/computeMetadata/v1/instance/service-accounts/default/token?scopes=${pubsubScope}`;
    return (await getText(url, { 'metadata-flavor': 'Google' }, options)).body;
  }
}

/** The RS256-signed JWT a service account trades for an access token (RFC 7523). */
function signedAssertion(credentials: Credentials, audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = {
    alg: 'RS256',
    typ: 'JWT',
    ...(credentials.private_key_id ? { kid: credentials.private_key_id } : {}),
  };
  const claims = { iss: credentials.client_email, scope: pubsubScope, aud: audience, iat: now, exp: now + 3600 };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  let signature: string;
  try {
    signature = createSign('RSA-SHA256')
      .update(unsigned)
      .sign(credentials.private_key ?? '', 'base64url');
  } catch {
    throw new DeliveryError('the service account private_key in the Secret key token cannot sign', {
      retryable: false,
    });
  }
  return `${unsigned}.${signature}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function getText(url: string, headers: Record<string, string>, options: Parameters<typeof post>[3]) {
  return post(url, '', headers, { ...options, method: 'GET' });
}
