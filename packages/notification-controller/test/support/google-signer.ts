// Stands in for Google in gcr Receiver tests: an RSA key, its JWKS on a real local HTTP server, and ID tokens signed
// with it as Google signs a Pub/Sub push's (Google cannot be reached from the tests).
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GoogleSigner {
  jwksUrl: string;
  /** A signed ID token; claims override Google's usual ones. */
  idToken(claims?: Record<string, unknown>, kid?: string): string;
  stop(): Promise<void>;
}

export async function startGoogleSigner(): Promise<GoogleSigner> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const now = () => Math.floor(Date.now() / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v3/certs`,
    idToken(claims = {}, kid = jwk.kid) {
      const body = {
        iss: 'https://accounts.google.com',
        aud: 'https://flux.example.com/hook',
        email: 'pusher@project.iam.gserviceaccount.com',
        email_verified: true,
        iat: now(),
        exp: now() + 3600,
        ...claims,
      };
      const unsigned = `${part({ alg: 'RS256', kid, typ: 'JWT' })}.${part(body)}`;
      return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The body of a Pub/Sub push carrying a GCR event. */
export function gcrPush(tag: string): string {
  const data = Buffer.from(JSON.stringify({ action: 'INSERT', digest: 'gcr.io/p/app@sha256:abc', tag })).toString(
    'base64',
  );
  return JSON.stringify({
    message: { data, messageId: '1', publishTime: new Date().toISOString() },
    subscription: 'projects/p/subscriptions/flux',
  });
}
