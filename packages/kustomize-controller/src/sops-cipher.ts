// One SOPS value: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`, opened with the data key and its path as additional data.
import { createDecipheriv } from 'node:crypto';

const encryptedValuePattern = /^ENC\[AES256_GCM,data:(.*),iv:(.+),tag:(.+),type:(.+)\]$/s;

/** A value that is not a SOPS ciphertext, or does not open with the key and path (tampered, or another key). */
export class SopsValueError extends Error {
  override readonly name = 'SopsValueError';
}

/** The plaintext of one value: its bytes (what the MAC hashes) and the typed value SOPS restores. */
export interface DecryptedValue {
  bytes: Buffer;
  value: string | number | boolean;
}

export function isEncryptedValue(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('ENC[AES256_GCM,');
}

/** Opens `ciphertext` with AES-256-GCM; `additionalData` is the value's path joined with ':' plus a trailing ':'. */
export function decryptValue(ciphertext: string, key: Uint8Array, additionalData: string): DecryptedValue {
  // SOPS writes an empty value as an empty string, not as a ciphertext
  if (ciphertext === '') return { bytes: Buffer.alloc(0), value: '' };
  const match = encryptedValuePattern.exec(ciphertext);
  if (!match) throw new SopsValueError('not a SOPS AES256_GCM value');
  const [, data = '', iv = '', tag = '', type = ''] = match;
  let bytes: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(additionalData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    bytes = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]);
  } catch {
    throw new SopsValueError('AES-GCM authentication failed');
  }
  return { bytes, value: typedValue(bytes, type) };
}

function typedValue(bytes: Buffer, type: string): string | number | boolean {
  const text = bytes.toString('utf8');
  switch (type) {
    case 'str':
    case 'bytes':
    case 'comment':
    case 'time':
      return text;
    case 'int':
    case 'float': {
      const number = Number(text);
      if (!Number.isFinite(number)) throw new SopsValueError(`value of type ${type} is not a number`);
      return number;
    }
    case 'bool':
      return /^(1|t|true)$/i.test(text);
    default:
      throw new SopsValueError(`unknown value type '${type}'`);
  }
}
