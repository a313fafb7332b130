// The keys a Kustomization's decryption Secret holds (age identities in `*.agekey`, OpenPGP keys in `*.asc`, as Flux
// names them), and the unwrapping of a file's data key with them.
import type { Decrypter } from 'age-encryption';
import type { PrivateKey } from 'openpgp';
import { SopsFormatError, type KeyGroup, type SopsMetadata, type SopsTree } from './sops-tree.ts';

export interface SopsKeyring {
  /** `namespace/name` of the Secret, for messages. */
  secret: string;
  ageIdentities: string[];
  pgpKeys: PrivateKey[];
  /** One decrypter for every file: each identity's public key is derived once, not once per file. */
  ageDecrypter?: Decrypter;
}

/** A key in the Secret is of a kind this controller cannot use (age plugin or SSH identity, locked OpenPGP key). */
export class UnsupportedKeyError extends Error {
  override readonly name = 'UnsupportedKeyError';
}

/** No key of the Secret opens the file's data key; the message lists whom the file is encrypted for. */
export class NoMatchingKeyError extends Error {
  override readonly name = 'NoMatchingKeyError';
}

const providerNames: Record<string, string> = {
  kms: 'AWS KMS',
  gcp_kms: 'GCP KMS',
  azure_kv: 'Azure Key Vault',
  hc_vault: 'HashiCorp Vault',
  hckms: 'HuaweiCloud KMS',
};

/** Reads the keys from the Secret's data (base64 values, as the API returns them). */
export async function loadKeyring(secret: string, data: Readonly<Record<string, string>>): Promise<SopsKeyring> {
  const keyring: SopsKeyring = { secret, ageIdentities: [], pgpKeys: [] };
  for (const [name, encoded] of Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const text = Buffer.from(encoded, 'base64').toString('utf8');
    if (name.endsWith('.agekey')) keyring.ageIdentities.push(...ageIdentitiesOf(text, secret, name));
    else if (name.endsWith('.asc')) keyring.pgpKeys.push(...(await pgpKeysOf(text, secret, name)));
  }
  if (keyring.ageIdentities.length > 0) {
    const { Decrypter } = await loadAge();
    const decrypter = new Decrypter();
    for (const identity of keyring.ageIdentities) decrypter.addIdentity(identity);
    keyring.ageDecrypter = decrypter;
  }
  return keyring;
}

function ageIdentitiesOf(text: string, secret: string, name: string): string[] {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  for (const line of lines) {
    if (line.startsWith('AGE-PLUGIN-'))
      throw new UnsupportedKeyError(
        `'${name}' in Secret '${secret}' is an age plugin identity, which is not supported: use an X25519 (AGE-SECRET-KEY-1...) identity`,
      );
    if (line.startsWith('-----BEGIN') || line.startsWith('ssh-'))
      throw new UnsupportedKeyError(
        `'${name}' in Secret '${secret}' is an SSH key, which is not supported for age: use an X25519 (AGE-SECRET-KEY-1...) identity`,
      );
    if (!/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(line))
      throw new UnsupportedKeyError(
        `'${name}' in Secret '${secret}' is not an age identity (expected lines of AGE-SECRET-KEY-1...)`,
      );
  }
  return lines;
}

// The two libraries load with the first Secret that holds their keys: a controller that never decrypts (most) does not
// hold their code and tables in memory (~20 MiB together).
const loadAge = () => import('age-encryption');
const loadOpenPgp = () => import('openpgp');

async function pgpKeysOf(text: string, secret: string, name: string): Promise<PrivateKey[]> {
  const { readPrivateKeys } = await loadOpenPgp();
  let keys: PrivateKey[];
  try {
    keys = await readPrivateKeys({ armoredKeys: text });
  } catch (error) {
    throw new UnsupportedKeyError(
      `'${name}' in Secret '${secret}' is not an armored OpenPGP private key: ${(error as Error).message}`,
    );
  }
  for (const key of keys) {
    if (!key.isDecrypted())
      throw new UnsupportedKeyError(
        `'${name}' in Secret '${secret}' holds a passphrase-protected OpenPGP key (${key.getFingerprint().toUpperCase()}), which is not supported: export it without a passphrase`,
      );
  }
  return keys;
}

/** The 32-byte data key of a file, unwrapped by the first master key of the file that a key of the keyring opens. */
export async function unwrapDataKey(metadata: SopsMetadata, keyring: SopsKeyring): Promise<Uint8Array> {
  if (metadata.keyGroups.length > 1) {
    throw new SopsFormatError(
      `encrypted with ${metadata.keyGroups.length} key groups (Shamir threshold ${metadata.shamirThreshold}), which is not supported: use one key group`,
    );
  }
  const group: KeyGroup = metadata.keyGroups[0] ?? new Map();
  for (const entry of group.get('age') ?? []) {
    const key = await unwrapAge(text(entry, 'enc'), keyring);
    if (key) return key;
  }
  for (const entry of group.get('pgp') ?? []) {
    const key = await unwrapPgp(text(entry, 'enc'), keyring);
    if (key) return key;
  }
  throw new NoMatchingKeyError(noKeyMessage(group, keyring));
}

async function unwrapAge(enc: string, keyring: SopsKeyring): Promise<Uint8Array | undefined> {
  const decrypter = keyring.ageDecrypter;
  if (!decrypter || !enc) return undefined;
  const { armor } = await loadAge();
  try {
    const file = enc.includes('-----BEGIN AGE ENCRYPTED FILE-----') ? armor.decode(enc) : Buffer.from(enc, 'base64');
    return await decrypter.decrypt(file);
  } catch {
    // none of our identities is a recipient of this stanza: try the next master key
    return undefined;
  }
}

async function unwrapPgp(enc: string, keyring: SopsKeyring): Promise<Uint8Array | undefined> {
  if (keyring.pgpKeys.length === 0 || !enc) return undefined;
  const { decrypt: pgpDecrypt, readMessage } = await loadOpenPgp();
  try {
    const message = await readMessage({ armoredMessage: enc });
    const { data } = await pgpDecrypt({ message, decryptionKeys: keyring.pgpKeys, format: 'binary' });
    return data;
  } catch {
    return undefined;
  }
}

function noKeyMessage(group: KeyGroup, keyring: SopsKeyring): string {
  const recipients: string[] = [];
  const age = (group.get('age') ?? []).map((entry) => text(entry, 'recipient')).filter(Boolean);
  if (age.length > 0) recipients.push(`age recipients ${age.join(', ')}`);
  const pgp = (group.get('pgp') ?? []).map((entry) => text(entry, 'fp')).filter(Boolean);
  if (pgp.length > 0) recipients.push(`OpenPGP keys ${pgp.join(', ')}`);
  const unsupported = [...group.entries()]
    .filter(([provider, entries]) => providerNames[provider] && entries.length > 0)
    .map(
      ([provider, entries]) =>
        `${providerNames[provider] ?? provider} (${entries.map((entry) => text(entry, 'arn') || text(entry, 'resource_id') || text(entry, 'vault_address') || text(entry, 'vaultUrl') || text(entry, 'key_id') || '?').join(', ')})`,
    );
  const held = `Secret '${keyring.secret}' holds ${keyring.ageIdentities.length} age and ${keyring.pgpKeys.length} OpenPGP key(s)`;
  if (recipients.length === 0 && unsupported.length > 0) {
    return `encrypted only for ${unsupported.join(', ')}, which this controller does not support: encrypt it for an age or OpenPGP key (${held})`;
  }
  const also =
    unsupported.length > 0 ? `; also for ${unsupported.join(', ')}, which this controller does not support` : '';
  return `no key in Secret '${keyring.secret}' decrypts it: it is encrypted for ${recipients.join(' and ') || 'no recipient'}${also} (${held.replace(`Secret '${keyring.secret}' holds`, 'the Secret holds')})`;
}

function text(entry: Map<string, SopsTree>, name: string): string {
  const value = entry.get(name);
  return typeof value === 'string' ? value : '';
}
