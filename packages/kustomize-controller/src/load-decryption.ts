// spec.decryption: the SOPS keys from the referenced Secret, ready to decrypt one build.
import type { Kustomization } from '@fluxion/api';
import type { KubeClient } from '@fluxion/runtime';
import { DecryptionError, SopsDecryptor } from './sops-decryptor.ts';
import { loadKeyring, UnsupportedKeyError } from './sops-keys.ts';

export interface Decryption {
  decryptor: SopsDecryptor;
  /** Changes when the Secret does: part of the build cache key, so a removed key is not outlived by a cached build. */
  fingerprint: string;
}

/** Undefined when the Kustomization decrypts nothing; DecryptionError when its keys cannot be read. */
export async function loadDecryption(
  client: KubeClient,
  kustomization: Kustomization,
): Promise<Decryption | undefined> {
  const decryption = kustomization.spec?.decryption;
  if (!decryption) return undefined;
  // the CRD allows only sops; an object stored before that rule still gets a clear message
  const provider: string = decryption.provider;
  if (provider !== 'sops')
    throw new DecryptionError(
      `spec.decryption.provider '${provider}' is not supported: the only decryption provider is 'sops'`,
    );
  const namespace = kustomization.metadata?.namespace ?? '';
  const name = decryption.secretRef?.name;
  if (!name)
    return {
      decryptor: new SopsDecryptor(await loadKeyring('(no spec.decryption.secretRef)', {})),
      fingerprint: 'none',
    };
  const secret = await client.getIfExists<{
    metadata?: { uid?: string; resourceVersion?: string };
    data?: Record<string, string>;
  }>({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  if (!secret) throw new DecryptionError(`decryption Secret '${namespace}/${name}' not found`);
  try {
    const keyring = await loadKeyring(`${namespace}/${name}`, secret.data ?? {});
    return {
      decryptor: new SopsDecryptor(keyring),
      fingerprint: `${secret.metadata?.uid ?? ''}/${secret.metadata?.resourceVersion ?? ''}`,
    };
  } catch (error) {
    if (error instanceof UnsupportedKeyError) throw new DecryptionError(error.message);
    throw error;
  }
}
