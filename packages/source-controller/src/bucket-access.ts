// A Bucket's credentials (`spec.secretRef`: accesskey, secretkey) and TLS material (`spec.certSecretRef`: ca.crt,
// tls.crt, tls.key); a missing Secret or half a key pair is an error naming it.
import type { BucketSpec } from '@fluxion/api';
import type { KubeClient } from '@fluxion/runtime';
import { readSecret, SecretError } from '@fluxion/runtime';
import type { HttpTls } from './http-download.ts';
import type { S3Credentials } from './s3-signature.ts';
import { SourceError } from './source-error.ts';

export interface BucketAccess {
  credentials?: S3Credentials;
  tls?: HttpTls;
}

export async function resolveBucketAccess(
  client: KubeClient,
  namespace: string,
  spec: BucketSpec,
): Promise<BucketAccess> {
  const access: BucketAccess = {};
  try {
    if (spec.secretRef?.name) {
      const data = await readSecret(client, namespace, spec.secretRef.name, 'spec.secretRef');
      const accessKey = data.get('accesskey');
      const secretKey = data.get('secretkey');
      if (!accessKey || !secretKey) {
        throw new SourceError(
          'AuthenticationFailed',
          `invalid secret '${namespace}/${spec.secretRef.name}' (spec.secretRef): 'accesskey' and 'secretkey' must both be set`,
        );
      }
      access.credentials = { accessKey, secretKey };
    }
    if (spec.certSecretRef?.name) {
      const data = await readSecret(client, namespace, spec.certSecretRef.name, 'spec.certSecretRef');
      const caCert = data.get('ca.crt');
      const clientCert = data.get('tls.crt');
      const clientKey = data.get('tls.key');
      if (Boolean(clientCert) !== Boolean(clientKey)) {
        throw new SourceError(
          'AuthenticationFailed',
          `invalid secret '${namespace}/${spec.certSecretRef.name}' (spec.certSecretRef): 'tls.crt' and 'tls.key' must be given together`,
        );
      }
      access.tls = {
        ...(caCert ? { caCert } : {}),
        ...(clientCert ? { clientCert } : {}),
        ...(clientKey ? { clientKey } : {}),
      };
    }
  } catch (error) {
    if (error instanceof SecretError) throw new SourceError('AuthenticationFailed', error.message);
    throw error;
  }
  return access;
}
