// Decrypts what a Kustomization's build holds encrypted with SOPS: whole files (generator sources, Secret data entries)
// and Secret manifests, each verified against its MAC before any of its plaintext is used.
import type { KObject } from 'kustomize-ts';
import { SopsValueError } from './sops-cipher.ts';
import { decryptValue, isEncryptedValue } from './sops-cipher.ts';
import { detectEncryptedFormat, emitPlain, formatForPath, parseEncrypted, type SopsFormat } from './sops-formats.ts';
import { NoMatchingKeyError, UnsupportedKeyError, unwrapDataKey, type SopsKeyring } from './sops-keys.ts';
import {
  decryptTree,
  readMetadata,
  shouldBeEncrypted,
  SopsFormatError,
  SopsMacError,
  treeFromObject,
  verifyMac,
  type SopsMetadata,
  type SopsTree,
} from './sops-tree.ts';

export const DecryptAnnotation = 'kustomize.toolkit.fluxcd.io/decrypt';

/** Decryption failed; the message names the file or object and why, never a decrypted value. */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  readonly reason = 'DecryptionFailed';
}

/** The documents of the artifact that carry a given MAC: where a Secret manifest of the build came from. */
export type SourceLookup = (
  mac: string,
) => Promise<ReadonlyArray<{ file: string; branches: SopsTree[]; metadata: SopsMetadata }>>;

export class SopsDecryptor {
  private readonly keyring: SopsKeyring;
  private readonly dataKeys = new Map<string, Promise<Uint8Array>>();
  private readonly verified = new Map<string, Promise<void>>();

  constructor(keyring: SopsKeyring) {
    this.keyring = keyring;
  }

  /** The decrypted text of a SOPS-encrypted file in `outputFormat`; undefined when the text is not encrypted. */
  async decryptFile(text: string, displayPath: string, outputFormat?: SopsFormat): Promise<string | undefined> {
    const inputFormat = detectEncryptedFormat(text);
    if (!inputFormat) return undefined;
    return this.explain(displayPath, async () => {
      const document = parseEncrypted(text, inputFormat);
      const metadata = readMetadata(document.sops);
      const key = await this.dataKey(metadata);
      const { plain, mac } = decryptTree(document.branches, metadata, key);
      verifyMac(metadata, key, mac);
      return emitPlain(
        plain,
        outputFormat === undefined || outputFormat === 'binary' || inputFormat === 'binary'
          ? inputFormat
          : outputFormat,
      );
    });
  }

  /**
   * A Secret of the build with its values decrypted: a Secret manifest encrypted as a whole (a `sops` key), or data
   * entries that are encrypted files. Anything else, or an object annotated `decrypt: disabled`, is returned as is.
   */
  async decryptObject(object: KObject, sources: SourceLookup): Promise<KObject> {
    if (object.metadata?.annotations?.[DecryptAnnotation]?.toLowerCase() === 'disabled') return object;
    const subject = `${object.kind}/${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? ''}`;
    if ('sops' in object && object.kind === 'Secret') return this.decryptManifest(object, subject, sources);
    if (object.kind !== 'Secret' || typeof object['data'] !== 'object' || object['data'] === null) return object;
    const data = { ...(object['data'] as Record<string, unknown>) };
    let changed = false;
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string') continue;
      const text = Buffer.from(value, 'base64').toString('utf8');
      const plain = await this.decryptFile(text, `${subject} data key '${key}'`, formatForPath(key));
      if (plain === undefined) continue;
      data[key] = Buffer.from(plain, 'utf8').toString('base64');
      changed = true;
    }
    return changed ? { ...object, data } : object;
  }

  private async decryptManifest(object: KObject, subject: string, sources: SourceLookup): Promise<KObject> {
    return this.explain(subject, async () => {
      const { sops, ...rest } = object as KObject & { sops: unknown };
      const metadata = readMetadata(treeFromObject(sops));
      await this.verifySource(metadata, sources);
      const key = await this.dataKey(metadata);
      return decryptValues(rest, metadata, key, []) as KObject;
    });
  }

  /**
   * The build may change a manifest's plain fields (namespace, labels), so its MAC is checked on the file it came from,
   * found by its MAC; a manifest from no file of the artifact (a remote base) is decrypted value by value, as Flux does.
   */
  private verifySource(metadata: SopsMetadata, sources: SourceLookup): Promise<void> {
    let pending = this.verified.get(metadata.mac);
    if (!pending) {
      pending = (async () => {
        for (const source of await sources(metadata.mac)) {
          await this.explain(source.file, async () => {
            const key = await this.dataKey(source.metadata);
            verifyMac(source.metadata, key, decryptTree(source.branches, source.metadata, key).mac);
          });
        }
      })();
      this.verified.set(metadata.mac, pending);
    }
    return pending;
  }

  private dataKey(metadata: SopsMetadata): Promise<Uint8Array> {
    // the MAC ciphertext is unique to one encryption of one file: the data key is unwrapped once per file
    let key = this.dataKeys.get(metadata.mac);
    if (!key) {
      key = unwrapDataKey(metadata, this.keyring);
      this.dataKeys.set(metadata.mac, key);
    }
    return key;
  }

  private async explain<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DecryptionError) throw error;
      if (error instanceof SopsMacError)
        throw new DecryptionError(`${what}: failed to verify SOPS data integrity: ${error.message}`);
      if (
        error instanceof NoMatchingKeyError ||
        error instanceof UnsupportedKeyError ||
        error instanceof SopsFormatError ||
        error instanceof SopsValueError
      ) {
        throw new DecryptionError(`${what}: ${error.message}`);
      }
      throw error;
    }
  }
}

/** Decrypts the values of a plain object where SOPS encrypted them (the path is the additional data). */
function decryptValues(value: unknown, metadata: SopsMetadata, key: Uint8Array, path: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => decryptValues(item, metadata, key, path));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, decryptValues(item, metadata, key, [...path, name])]),
    );
  }
  // values the build added at an encrypted path are plain already
  if (!isEncryptedValue(value) || !shouldBeEncrypted(metadata, path)) return value;
  try {
    return decryptValue(value, key, `${path.join(':')}:`).value;
  } catch (error) {
    throw new SopsValueError(`value at '${path.join('.')}' could not be decrypted: ${(error as Error).message}`);
  }
}
