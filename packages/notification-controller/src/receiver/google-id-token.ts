// The gcr Receiver's check: Google Pub/Sub push calls carry `Authorization: Bearer <OIDC ID token>` signed by Google
// (RS256). The signature is checked against Google's published keys (JWKS, fetched and cached), then the issuer,
// expiry, and, when the Receiver's Secret names them, the audience and the service account email.
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

export const googleJwksUrl = 'https://www.googleapis.com/oauth2/v3/certs';
const issuers = ['accounts.google.com', 'https://accounts.google.com'];
/** Clock skew allowed on exp and iat. */
const skewSeconds = 60;
/** Keys are kept this long at most; an unknown key id refetches, at most this often. */
const keysMaxAgeMs = 60 * 60_000;
const refetchEveryMs = 30_000;

export interface IdTokenExpectations {
  /** The Secret's `audience`: the push subscription's audience. */
  audience?: string | undefined;
  /** The Secret's `email`: the service account the subscription pushes as. */
  email?: string | undefined;
}

export class GoogleIdTokenVerifier {
  readonly #jwksUrl: string;
  #keys = new Map<string, KeyObject>();
  #fetchedAt = 0;
  #fetching: Promise<void> | undefined;

  constructor(jwksUrl = googleJwksUrl) {
    this.#jwksUrl = jwksUrl;
  }

  /** undefined when the call is Google's as expected; otherwise why not (never the token). */
  async check(authorization: string | undefined, expected: IdTokenExpectations): Promise<string | undefined> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return 'the Authorization header has no Bearer token';
    const [headerPart, claimsPart, signaturePart] = token.split('.');
    if (!headerPart || !claimsPart || signaturePart === undefined || token.split('.').length !== 3)
      return 'the bearer token is not a JWT';
    let header: { alg?: string; kid?: string };
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(headerPart, 'base64url').toString()) as typeof header;
      claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString()) as typeof claims;
    } catch {
      return 'the bearer token is not a JWT';
    }
    if (header.alg !== 'RS256') return `the token is signed with ${header.alg ?? 'nothing'}, not RS256`;
    const key = await this.#key(header.kid ?? '');
    if (typeof key === 'string') return key;
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${headerPart}.${claimsPart}`),
      key,
      Buffer.from(signaturePart, 'base64url'),
    );
    if (!signed) return "the token's signature does not match Google's key";
    const now = Date.now() / 1000;
    if (!issuers.includes(String(claims['iss']))) return `the token's issuer ${String(claims['iss'])} is not Google`;
    if (typeof claims['exp'] !== 'number' || claims['exp'] < now - skewSeconds) return 'the token has expired';
    if (typeof claims['iat'] === 'number' && claims['iat'] > now + skewSeconds)
      return 'the token is issued in the future';
    if (expected.audience && !audiences(claims['aud']).includes(expected.audience))
      return "the token's audience is not the Secret's audience";
    if (expected.email) {
      if (claims['email'] !== expected.email) return "the token's email is not the Secret's email";
      if (claims['email_verified'] !== true) return "the token's email is not verified";
    }
    return undefined;
  }

  async #key(kid: string): Promise<KeyObject | string> {
    const stale = Date.now() - this.#fetchedAt > keysMaxAgeMs;
    if (stale || (!this.#keys.has(kid) && Date.now() - this.#fetchedAt > refetchEveryMs)) {
      this.#fetching ??= this.#fetch().finally(() => (this.#fetching = undefined));
      try {
        await this.#fetching;
      } catch (error) {
        if (this.#keys.size === 0)
          return `Google's keys could not be read from ${new URL(this.#jwksUrl).host}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return this.#keys.get(kid) ?? `the token's key id ${JSON.stringify(kid)} is not among Google's keys`;
  }

  async #fetch(): Promise<void> {
    const response = await fetch(this.#jwksUrl, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`answered ${response.status}`);
    const { keys } = (await response.json()) as { keys?: (JsonWebKey & { kid?: string })[] };
    const next = new Map<string, KeyObject>();
    for (const jwk of keys ?? []) {
      if (jwk.kty !== 'RSA' || !jwk.kid) continue;
      try {
        next.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
      } catch {
        // a key we cannot read signs nothing we accept
      }
    }
    this.#keys = next;
    this.#fetchedAt = Date.now();
  }
}

function audiences(aud: unknown): string[] {
  return Array.isArray(aud) ? aud.map(String) : typeof aud === 'string' ? [aud] : [];
}

/** The GCR event inside a Pub/Sub push (base64 JSON: action, digest, tag), for the log; undefined if it is not one. */
export function gcrEvent(body: Buffer): { action?: string; digest?: string; tag?: string } | undefined {
  try {
    const push = JSON.parse(body.toString('utf8')) as { message?: { data?: string } };
    const data = push.message?.data;
    if (!data) return undefined;
    return JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as {
      action?: string;
      digest?: string;
      tag?: string;
    };
  } catch {
    return undefined;
  }
}
