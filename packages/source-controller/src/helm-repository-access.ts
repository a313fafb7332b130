// The credentials and TLS material of a HelmRepository: `spec.secretRef` (username/password; the deprecated
// certFile/keyFile/caFile) and `spec.certSecretRef` (tls.crt, tls.key, ca.crt), which takes precedence for TLS.
import type { HelmRepositorySpec } from '@fluxion/api';
import type { KubeClient } from '@fluxion/runtime';
import { readSecret, SecretError } from '@fluxion/runtime';
import type { HttpTls } from './http-download.ts';
import { SourceError } from './source-error.ts';

export interface HelmRepositoryAccess {
  basicAuth?: { username: string; password: string };
  tls?: HttpTls;
  /** The Secret's raw keys, for `type: oci` (a dockerconfigjson). */
  secretKeys?: string[];
}

export async function resolveHelmRepositoryAccess(
  client: KubeClient,
  namespace: string,
  spec: HelmRepositorySpec,
): Promise<HelmRepositoryAccess> {
  const access: HelmRepositoryAccess = {};
  try {
    if (spec.secretRef?.name) {
      const name = `${namespace}/${spec.secretRef.name}`;
      const data = await readSecret(client, namespace, spec.secretRef.name, 'spec.secretRef');
      access.secretKeys = [...data.keys()];
      const username = data.get('username');
      const password = data.get('password');
      if (username !== undefined || password !== undefined) {
        if (!username || !password) {
          throw new SourceError(
            'AuthenticationFailed',
            `invalid secret '${name}' (spec.secretRef): 'username' and 'password' must both be set`,
          );
        }
        access.basicAuth = { username, password };
      }
      const legacyTls = tlsFrom(data, 'certFile', 'keyFile', 'caFile');
      if (legacyTls && !spec.certSecretRef) access.tls = legacyTls;
    }
    if (spec.certSecretRef?.name) {
      const name = `${namespace}/${spec.certSecretRef.name}`;
      const data = await readSecret(client, namespace, spec.certSecretRef.name, 'spec.certSecretRef');
      const tls = tlsFrom(data, 'tls.crt', 'tls.key', 'ca.crt');
      if (!tls)
        throw new SourceError(
          'AuthenticationFailed',
          `invalid secret '${name}' (spec.certSecretRef): none of 'ca.crt', 'tls.crt', 'tls.key' is set`,
        );
      access.tls = tls;
    }
  } catch (error) {
    if (error instanceof SecretError) throw new SourceError('AuthenticationFailed', error.message);
    throw error;
  }
  return access;
}

function tlsFrom(data: Map<string, string>, certKey: string, keyKey: string, caKey: string): HttpTls | undefined {
  const clientCert = data.get(certKey);
  const clientKey = data.get(keyKey);
  const caCert = data.get(caKey);
  if (!clientCert && !clientKey && !caCert) return undefined;
  if (Boolean(clientCert) !== Boolean(clientKey)) {
    throw new SourceError(
      'AuthenticationFailed',
      `'${certKey}' and '${keyKey}' must be given together for a client certificate`,
    );
  }
  return { ...(caCert ? { caCert } : {}), ...(clientCert ? { clientCert } : {}), ...(clientKey ? { clientKey } : {}) };
}
