// The gcr Receiver's ID token check against a local JWKS server and tokens signed with its key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleSigner, type GoogleSigner } from '../../test/support/google-signer.ts';
import { GoogleIdTokenVerifier, type IdTokenExpectations } from './google-id-token.ts';

let google: GoogleSigner;
let verifier: GoogleIdTokenVerifier;
beforeAll(async () => {
  google = await startGoogleSigner();
  verifier = new GoogleIdTokenVerifier(google.jwksUrl);
});
afterAll(async () => {
  await google.stop();
});

const expected = { audience: 'https://flux.example.com/hook', email: 'pusher@project.iam.gserviceaccount.com' };
const check = (token: string, want: IdTokenExpectations = expected) => verifier.check(`Bearer ${token}`, want);

describe('GoogleIdTokenVerifier', () => {
  it("accepts Google's signed token with the Secret's audience and email", async () => {
    expect(await check(google.idToken())).toBeUndefined();
    expect(await check(google.idToken(), {})).toBeUndefined();
  });

  it('refuses a forged signature, another key, an expired token, another issuer, audience or email', async () => {
    const [header, claims] = google.idToken().split('.');
    const forged = `${header}.${claims}.${Buffer.from('not a signature').toString('base64url')}`;
    expect(await check(forged)).toMatch(/signature does not match/);
    expect(await check(google.idToken({}, 'other-key'))).toMatch(/key id "other-key" is not among Google's keys/);
    expect(await check(google.idToken({ exp: Math.floor(Date.now() / 1000) - 600 }))).toMatch(/expired/);
    expect(await check(google.idToken({ iss: 'https://evil.example' }))).toMatch(/issuer .* is not Google/);
    expect(await check(google.idToken({ aud: 'https://elsewhere' }))).toMatch(/audience/);
    expect(await check(google.idToken({ email: 'someone@else' }))).toMatch(/email is not the Secret's email/);
    expect(await check(google.idToken({ email_verified: false }))).toMatch(/not verified/);
  });

  it('refuses a missing or malformed Authorization header, and an unsigned token', async () => {
    expect(await verifier.check(undefined, expected)).toMatch(/no Bearer token/);
    expect(await verifier.check('Bearer abc', expected)).toMatch(/not a JWT/);
    const [, claims] = google.idToken().split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${claims}.`;
    expect(await verifier.check(`Bearer ${none}`, expected)).toMatch(/signed with none, not RS256/);
  });
});
