import type { Provider } from '@fluxion/api';
import type { V1Secret } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ProviderConfigError, providerSettings } from './provider-settings.ts';

const secrets: Record<string, Record<string, string>> = {
  'slack-url': { address: 'hooks.slack.com/services/T0/B0/SECRET' },
  headers: { address: 'https://example.com/hook', headers: 'X-A: one\nX-B: 2\n' },
  certs: { 'ca.crt': 'CA', 'tls.crt': 'CERT' },
  proxy: { address: 'http://proxy.example:3128', username: 'me', password: 'p@ss' },
};
const readSecret = async (_namespace: string, name: string): Promise<V1Secret | undefined> =>
  secrets[name]
    ? {
        data: Object.fromEntries(Object.entries(secrets[name]).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      }
    : undefined;
const provider = (spec: NonNullable<Provider['spec']>): Provider => ({
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
  kind: 'Provider',
  metadata: { name: 'p', namespace: 'ns', uid: 'u' },
  spec,
});
const problem = async (spec: NonNullable<Provider['spec']>) =>
  ((await providerSettings(provider(spec), readSecret)) as ProviderConfigError).message;

describe('providerSettings', () => {
  it('reads headers, proxy credentials and the timeout as Flux does', async () => {
    const settings = await providerSettings(
      provider({ type: 'generic', secretRef: { name: 'headers' }, proxySecretRef: { name: 'proxy' }, timeout: '5s' }),
      readSecret,
    );
    expect(settings).toMatchObject({
      address: 'https://example.com/hook',
      headers: { 'X-A': 'one', 'X-B': '2' },
      proxy: 'http://me:p%40ss@proxy.example:3128/',
      timeoutMs: 5_000,
    });
  });

  it('names the Secret and key, never the address itself', async () => {
    expect(await problem({ type: 'slack', secretRef: { name: 'slack-url' } })).toBe(
      'Secret ns/slack-url key address is not a URL',
    );
    expect(await problem({ type: 'slack', address: 'ftp://example.com' })).toBe(
      'spec.address has the scheme ftp:, not http: or https:',
    );
    expect(await problem({ type: 'slack', secretRef: { name: 'missing' } })).toBe('Secret ns/missing not found');
    expect(await problem({ type: 'generic', address: 'https://x', certSecretRef: { name: 'certs' } })).toBe(
      'Secret ns/certs has tls.crt without tls.key',
    );
    expect(await problem({ type: 'generic', address: 'https://x', proxySecretRef: { name: 'slack-url' } })).toBe(
      'Secret ns/slack-url key address is not a URL',
    );
    expect(await problem({ type: 'slack' })).toBe('no address: spec.address is empty and no secretRef gives one');
  });

  it('names spec.serviceAccountName (workload identity) as not supported, rather than using another identity', async () => {
    expect(await problem({ type: 'azureeventhub', address: 'hub', channel: 'ns', serviceAccountName: 'sender' })).toBe(
      'spec.serviceAccountName sender: workload identity is not supported by Fluxion yet; give the credentials in the Secret of spec.secretRef',
    );
  });
});
