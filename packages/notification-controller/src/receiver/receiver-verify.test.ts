import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyReceiverCall, type ReceiverCall } from './receiver-verify.ts';
import { webhookPath } from './webhook-path.ts';

const body = Buffer.from('{"ref":"refs/heads/main"}');
const sign = (algorithm: string, token = 'tok') =>
  `${algorithm}=${createHmac(algorithm, token).update(body).digest('hex')}`;
const call = (type: string, headers: ReceiverCall['headers'], events: string[] = []): ReceiverCall => ({
  type,
  headers,
  body,
  token: 'tok',
  events,
});

describe('verifyReceiverCall', () => {
  it('generic-hmac: X-Signature with sha1, sha256 or sha512; a forged or missing one is 401', () => {
    for (const algorithm of ['sha1', 'sha256', 'sha512'])
      expect(verifyReceiverCall(call('generic-hmac', { 'x-signature': sign(algorithm) })).kind).toBe('accept');
    expect(verifyReceiverCall(call('generic-hmac', { 'x-signature': sign('sha256', 'forged') }))).toMatchObject({
      kind: 'reject',
      status: 401,
    });
    expect(verifyReceiverCall(call('generic-hmac', {}))).toMatchObject({
      kind: 'reject',
      status: 401,
      message: 'the X-Signature header is missing',
    });
  });

  it('github: X-Hub-Signature-256, ping answered, events filtered', () => {
    const headers = (event: string) => ({ 'x-hub-signature-256': sign('sha256'), 'x-github-event': event });
    expect(verifyReceiverCall(call('github', headers('push'), ['push']))).toEqual({ kind: 'accept', event: 'push' });
    expect(verifyReceiverCall(call('github', headers('ping'), ['push']))).toEqual({ kind: 'ignore', message: 'pong' });
    expect(verifyReceiverCall(call('github', headers('issues'), ['push'])).kind).toBe('ignore');
    expect(
      verifyReceiverCall(call('github', { ...headers('push'), 'x-hub-signature-256': sign('sha256', 'nope') })).kind,
    ).toBe('reject');
  });

  it('gitlab: X-Gitlab-Token equal to the token, events filtered', () => {
    expect(
      verifyReceiverCall(call('gitlab', { 'x-gitlab-token': 'tok', 'x-gitlab-event': 'Push Hook' }, ['Push Hook']))
        .kind,
    ).toBe('accept');
    expect(
      verifyReceiverCall(call('gitlab', { 'x-gitlab-token': 'tok2', 'x-gitlab-event': 'Push Hook' })),
    ).toMatchObject({ kind: 'reject', status: 401 });
    expect(
      verifyReceiverCall(call('gitlab', { 'x-gitlab-token': 'tok', 'x-gitlab-event': 'Tag Push Hook' }, ['Push Hook']))
        .kind,
    ).toBe('ignore');
  });

  it('bitbucket, harbor and nexus check their headers; dockerhub and quay rely on the path', () => {
    expect(
      verifyReceiverCall(
        call('bitbucket', { 'x-hub-signature': sign('sha256'), 'x-event-key': 'repo:push' }, ['repo:push']),
      ).kind,
    ).toBe('accept');
    expect(verifyReceiverCall(call('harbor', { authorization: 'tok' })).kind).toBe('accept');
    expect(verifyReceiverCall(call('harbor', { authorization: 'bad' })).kind).toBe('reject');
    expect(
      verifyReceiverCall(
        call('nexus', { 'x-nexus-webhook-signature': createHmac('sha1', 'tok').update(body).digest('hex') }),
      ).kind,
    ).toBe('accept');
    expect(verifyReceiverCall(call('dockerhub', {})).kind).toBe('accept');
    expect(verifyReceiverCall(call('gcr', {}))).toMatchObject({ kind: 'reject', status: 400 });
  });
});

describe('webhookPath', () => {
  it("is Flux's: /hook/ + sha256(token + name + namespace)", () => {
    expect(webhookPath('token', 'name', 'ns')).toBe(
      `/hook/${createHash('sha256').update('tokennamens').digest('hex')}`,
    );
  });
});
